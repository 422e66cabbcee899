// Validators compile on first use (src/validators.ts, lazyValidator), so a schema Ajv cannot compile (an unknown
// keyword or format, a typo in a rule) would only fail the first request of its route. This compiles every one.
import assert from 'node:assert/strict'
import { Type } from '@feathersjs/typebox'
import { createApp } from '../src/app'
import { compileAllValidators, dataValidator, lazyValidator, queryValidator, Text } from '../src/validators'

describe('schema validators', () => {
  it('every validator of every service compiles (a schema Ajv refuses fails here, not at a request)', () => {
    createApp() // registers every service, so every *.schema.ts module has made its validators
    const count = compileAllValidators()
    assert.ok(count >= 40, `${count} validators`)
  })

  it('a lazy validator validates like a compiled one: coerced queries, refused data naming the field', async () => {
    const query = lazyValidator(
      Type.Object({ limit: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      queryValidator
    )
    assert.deepEqual(await query({ limit: '5' } as any), { limit: 5 })
    const data = lazyValidator(
      Type.Object({ name: Text({ minLength: 1 }) }, { additionalProperties: false }),
      dataValidator
    )
    await assert.rejects(data({ name: 'a\u0000b' }), (error: any) => {
      assert.match(JSON.stringify(error.errors), /name/)
      return true
    })
    assert.equal(typeof (data as any).schema, 'object')
  })
})
