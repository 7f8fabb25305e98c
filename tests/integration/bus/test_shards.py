"""Two daemons, each with its shard of the pairs, consume one gateway's stream."""

from __future__ import annotations

from monitor.app.daemon import Daemon
from monitor.app.gateway import Gateway
from monitor.feeds.nats.client import NatsFeed
from tests.support.bus import LEGS, daemon_config, gateway_config, settings
from tests.support.nats_server import NatsServer
from tests.support.polling import eventually


def premiums(daemon: Daemon) -> dict[str, float | None]:
    return {view.pair: view.premium.mid for view in daemon.snapshot().pairs}


async def test_each_shard_gets_only_its_pairs_instruments(nats_server: NatsServer) -> None:
    gateway = Gateway(settings(gateway_config(nats_server.url, pairs=("PONY", "BABA"))))
    shards = [
        Daemon(settings(daemon_config(nats_server.url, pairs=(p,)))) for p in ("PONY", "BABA")
    ]
    await gateway.start()
    for shard in shards:
        await shard.start()
    try:
        for shard, pair in zip(shards, ("PONY", "BABA"), strict=True):
            await eventually(lambda s=shard: None not in premiums(s).values(), within=10,
                             what="a premium on each shard")  # fmt: skip
            assert list(premiums(shard)) == [pair]
            feed = shard.feed("sim")
            assert isinstance(feed, NatsFeed)
            wanted = {f"dlmon.ticks.sim.{leg.replace('.', '_')}" for leg in LEGS[pair]}
            assert set(feed.subjects) == wanted | {"dlmon.health.sim"}
            assert feed.health.errors_total.get("skipped_instrument", 0) == 0
            assert shard.engine.rejects == {}
    finally:
        for shard in shards:
            await shard.stop()
        await gateway.stop()


async def test_shards_by_the_shard_setting_split_the_pairs_of_one_gateway(
    nats_server: NatsServer,
) -> None:
    names = ("PONY", "BABA", "JD", "NTES")
    url = nats_server.url
    gateway = Gateway(settings(gateway_config(url, pairs=names)))
    configs = [daemon_config(url, pairs=names) for _ in range(2)]
    for index, config in enumerate(configs):
        config["shard"] = {"index": index, "count": 2}
    shards = [Daemon(settings(config)) for config in configs]
    await gateway.start()
    for shard in shards:
        await shard.start()
    try:
        for shard in shards:
            await eventually(lambda s=shard: None not in premiums(s).values(), within=10,
                             what="a premium for each of the shard's pairs")  # fmt: skip
        served = [set(premiums(shard)) for shard in shards]
        assert served[0] and served[1] and not served[0] & served[1]
        assert served[0] | served[1] == set(names)
    finally:
        for shard in shards:
            await shard.stop()
        await gateway.stop()
