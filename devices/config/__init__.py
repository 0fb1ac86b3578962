"""Configuration for devices: county profiles, parameter validation, templates, rendering and compliance.

``profile`` reads the county profile (TOML) into typed dataclasses, ``params`` validates every value before anything
connects (and applies ``--set`` overrides), ``render`` turns a profile into the config lines for one platform with a
structural guarantee that no parameter can add a line, and ``compliance`` compares the rendered lines with a running
configuration (missing lines, remediation, rollback).
"""
