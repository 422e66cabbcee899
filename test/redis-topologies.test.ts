// Two instances on real Redis topologies started on loopback ports (test/helpers/redis-topologies.ts): a
// 6-node Cluster and Sentinel. Each passes the cross-instance cases, then a Redis primary is killed during a
// stream of messages: the replica takes over, live delivery resumes, nothing acknowledged is lost, and the
// Socket.IO adapter (sharded pub/sub as well) reaches the other instance again. The failover figures are
// printed (README "Operations" quotes them); only "resumes" is asserted.
import assert from 'node:assert/strict'
import { createUser } from './helpers'
import { crossInstanceCases, twoInstances } from './helpers/cross-instance'
import { streamThroughFailover } from './helpers/failover-stream'
import {
  redisBinariesAvailable,
  SENTINEL_MASTER,
  startRedisCluster,
  startRedisSentinel,
  type RedisTopology
} from './helpers/redis-topologies'
import { eventually } from './helpers/wait'
import { testKeyPrefix } from './setup'
import { stableHash } from '../src/redis'
import { SYNC_SHARDS, syncChannels } from '../src/realtime/sync'
import type { Configuration } from '../src/declarations'

const topologies: Array<{
  name: string
  start: () => Promise<RedisTopology>
  settings: (t: RedisTopology) => Partial<Configuration['redis']>
  /** Kills the primary that carries the chat's synced events. */
  kill: (t: RedisTopology, keyPrefix: string, chatId: string) => Promise<void>
}> = [
  {
    name: 'a 6-node Redis Cluster',
    start: startRedisCluster,
    settings: (t) => ({ clusterNodes: t.nodes }),
    kill: async (t, keyPrefix, chatId) => {
      const channel = syncChannels(keyPrefix)[stableHash(chatId) % SYNC_SHARDS]
      await (await (t as Awaited<ReturnType<typeof startRedisCluster>>).primaryFor(channel)).kill()
    }
  },
  {
    name: 'Redis Sentinel (a primary, a replica, three sentinels)',
    start: startRedisSentinel,
    settings: (t) => ({ sentinels: t.nodes, sentinelName: SENTINEL_MASTER }),
    kill: async (t) => (t as Awaited<ReturnType<typeof startRedisSentinel>>).primary.kill()
  }
]

for (const topology of topologies) {
  describe(`two instances on ${topology.name}`, function () {
    this.timeout(60000)
    let redis: RedisTopology | undefined
    const keyPrefix = testKeyPrefix()
    const { pair, connect } = twoInstances(async () => {
      if (!redisBinariesAvailable()) return undefined // with CI=true a missing binary fails instead
      redis = await topology.start()
      return { redis: { url: '', keyPrefix, ...topology.settings(redis) } }
    })
    after(() => redis?.stop()) // after the instances' own after hook

    crossInstanceCases(pair, connect)

    it('a primary killed during a stream of messages: the replica takes over, delivery resumes, nothing acknowledged is lost, the Socket.IO adapter reaches the other instance again', async () => {
      const figures = await streamThroughFailover(pair.a, pair.b, connect, (chatId) =>
        topology.kill(redis!, keyPrefix, chatId)
      )
      console.log(`      failover on ${topology.name}: ${JSON.stringify(figures)}`)

      // The Socket.IO adapter's requests cross instances after the failover too: B finds a socket held by A.
      const probe = await createUser(pair.a.url, 'Adapter Probe')
      const onA = await connect(pair.a, probe.access_token)
      await eventually(async () => {
        const remote = await (pair.b.app as any).io.fetchSockets()
        assert.ok(
          remote.some((socket: { id: string }) => socket.id === onA.socket.id),
          'B’s adapter finds the socket on A'
        )
      }, 15000)
    })
  })
}
