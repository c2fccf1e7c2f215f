"""Loopback emulator of Cloud Monitoring and Cloud Logging (gRPC), seeded from a scenario.

Importing this package is cheap: grpc and the Google client libraries load on `start()`.
"""

from atlas.emulators.gcp.emulator import GcpEmulator

__all__ = ["GcpEmulator"]
