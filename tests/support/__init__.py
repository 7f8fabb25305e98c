"""What tests share: polling helpers, builders, fakes and oracles (no test lives here)."""
