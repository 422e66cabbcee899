// The in-process caches (src/caches/identity.ts, src/caches/memberships.ts) over lru-cache: their
// invalidations, their bounds, and that the identity cache's by-session/by-user indexes follow evictions.
import assert from 'node:assert/strict'
import type { AuthenticationResult } from '@feathersjs/authentication'
import { IdentityCache } from '../src/caches/identity'
import { MembershipCache } from '../src/caches/memberships'

const result = (userId: string) => ({ user: { user_id: userId } }) as AuthenticationResult
const later = () => Date.now() + 60_000

describe('IdentityCache', () => {
  it('forgets every token of a session, and every token of a user', () => {
    const cache = new IdentityCache()
    cache.set('t1', result('u1'), 's1', 'u1', later())
    cache.set('t2', result('u1'), 's1', 'u1', later())
    cache.set('t3', result('u1'), 's2', 'u1', later())
    cache.set('t4', result('u2'), 's3', 'u2', later())
    cache.forgetSession('s1')
    assert.equal(cache.get('t1'), undefined)
    assert.equal(cache.get('t2'), undefined)
    assert.ok(cache.get('t3'), 'another session of the same user stays')
    cache.forgetUser('u1')
    assert.equal(cache.get('t3'), undefined)
    assert.ok(cache.get('t4'), 'another user stays')
    cache.clear()
    assert.equal(cache.get('t4'), undefined)
    assert.equal(cache.size, 0)
  })

  it('does not reuse an entry past its own end (the token expired before the reuse window)', () => {
    const cache = new IdentityCache()
    cache.set('t1', result('u1'), 's1', 'u1', Date.now() - 1)
    assert.equal(cache.get('t1'), undefined)
  })

  it('stays within its bound, and an evicted or replaced token leaves the indexes', () => {
    const cache = new IdentityCache(30_000, 2)
    cache.set('t1', result('u1'), 's1', 'u1', later())
    cache.set('t2', result('u2'), 's2', 'u2', later())
    cache.set('t3', result('u3'), 's3', 'u3', later())
    assert.equal(cache.size, 2)
    assert.equal(cache.get('t1'), undefined, 'the least recently used went first')
    // t2 moves to another session: forgetting its old session must not drop it.
    cache.set('t2', result('u2'), 's4', 'u2', later())
    cache.forgetSession('s2')
    assert.ok(cache.get('t2'))
    cache.forgetSession('s4')
    assert.equal(cache.get('t2'), undefined)
    assert.equal((cache as any).bySession.size, 1, 'only t3 is indexed')
    assert.equal((cache as any).byUser.size, 1)
  })
})

describe('MembershipCache', () => {
  it('remembers, forgets one membership, clears all, and stays within its bound', () => {
    const cache = new MembershipCache(30_000, 2)
    cache.remember('c1', 'u1')
    cache.remember('c1', 'u2')
    assert.ok(cache.has('c1', 'u1') && cache.has('c1', 'u2'))
    assert.equal(cache.has('c2', 'u1'), false)
    cache.forget('c1', 'u1')
    assert.equal(cache.has('c1', 'u1'), false)
    assert.ok(cache.has('c1', 'u2'))
    cache.remember('c2', 'u1')
    cache.remember('c3', 'u1')
    assert.equal(cache.has('c1', 'u2'), false, 'the bound evicted the least recently used')
    cache.clear()
    assert.equal(cache.has('c3', 'u1'), false)
  })

  it('does not remember what a read found while a forget ran (the read may hold the removed membership)', () => {
    const cache = new MembershipCache()
    let mark = cache.mark()
    cache.forget('c1', 'u1') // a removal lands while the read is in flight
    assert.equal(cache.rememberSince(mark, 'c1', 'u1'), false)
    assert.equal(cache.has('c1', 'u1'), false)
    mark = cache.mark()
    cache.clear() // a sync gap, likewise
    assert.equal(cache.rememberSince(mark, 'c1', 'u1'), false)
    mark = cache.mark()
    assert.equal(cache.rememberSince(mark, 'c1', 'u1', new Date(Date.now() + 60_000)), true)
    assert.ok((cache.mutedUntil('c1', 'u1') ?? 0) > Date.now(), 'the mute is kept')
  })
})
