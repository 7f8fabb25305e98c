"""The tick bus on NATS JetStream: wire encoding, subjects, the gateway's publisher."""
