"""SNMP client: GET and multi-column GETBULK walks over asyncio, v1/v2c/v3.

CONTRACT (implementation pending): see the docstrings below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SnmpVersion = Literal["1", "2c", "3"]
AuthProto = Literal["sha", "sha256", "md5"]
PrivProto = Literal["aes", "aes256", "des"]

# A decoded SNMP value: int for INTEGER/Counter32/Counter64/Gauge32/TimeTicks/Unsigned32, bytes for OCTET STRING
# and Opaque, str for OBJECT IDENTIFIER (dotted, no leading dot) and IpAddress (dotted quad).
SnmpValue = int | bytes | str


@dataclass(frozen=True)
class SnmpCredentials:
    """What the agent needs to accept a request. Secrets live here only in memory, never in the store."""

    version: SnmpVersion = "2c"
    community: str | None = None
    v3_user: str | None = None
    v3_auth: AuthProto | None = None
    v3_auth_key: str | None = None
    v3_priv: PrivProto | None = None
    v3_priv_key: str | None = None

    def __repr__(self) -> str:  # never print secrets, even in a traceback
        return f"SnmpCredentials(version={self.version!r}, v3_user={self.v3_user!r})"


@dataclass(frozen=True)
class SnmpTarget:
    """One agent and how patiently to talk to it."""

    host: str
    port: int = 161
    credentials: SnmpCredentials = SnmpCredentials()
    timeout: float = 2.0
    retries: int = 1
    max_repetitions: int = 25
