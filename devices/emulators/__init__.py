"""SSH device emulators on 127.0.0.1 that answer like the real CLI: the demo's switches and controller, and the
peers of the configuration-push tests.

::

    from devices.emulators import EmulatedDevice

    with EmulatedDevice("cisco_ios", password="pw", enable_secret="en") as dev:
        conn = ConnectHandler(device_type="cisco_ios", host=dev.host, port=dev.port, username=dev.username,
                              password=dev.password, secret="en", fast_cli=True)
        ...
        assert "hostname SW2" in dev.running_config

One module per platform (``cisco_ios``, ``cisco_wlc``, ``aruba_os``, ``hp_procurve``, ``aruba_aoscx``,
``zyxel``) holds its prompts, modes, error strings and running-config rendering; :mod:`devices.emulators.server`
holds the SSH server, the terminal handling and the shared configuration tree.
"""

from devices.emulators.server import PLATFORMS, EmulatedDevice

__all__ = ["PLATFORMS", "EmulatedDevice"]
