"""Pure domain code: no asyncio, no I/O. Everything here is deterministic given its inputs."""
