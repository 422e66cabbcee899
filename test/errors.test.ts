import assert from 'node:assert/strict'
import { BadRequest, GeneralError, Unavailable } from '@feathersjs/errors'
import { ERROR } from '@feathersjs/knex'
import { isDatabaseUnavailable, toClientError } from '../src/errors'

// A PostgreSQL error as node-postgres delivers it (SQLSTATE in `code`, the server's `routine`).
const pgError = (code: string, message = 'some internals: relation "users"') =>
  Object.assign(new Error(message), { code, severity: 'ERROR', routine: 'internal' })

// What the knex adapter throws: a Feathers error keeping the PostgreSQL error under the ERROR symbol.
const wrapped = (error: Error) => Object.assign(new GeneralError('wrapped'), { [ERROR]: error })

describe('errors: one answer to "is the database unavailable?"', () => {
  for (const code of ['53300', '57014', '57P01', '08006', '58030']) {
    it(`a PostgreSQL ${code} is a 503 with the retry message`, () => {
      for (const error of [pgError(code), wrapped(pgError(code))]) {
        const clean = toClientError(error)
        assert.equal(clean.code, 503)
        assert.equal(clean.message, 'Database unavailable, try again shortly')
      }
    })
  }

  for (const code of ['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT']) {
    it(`a network ${code} is a 503`, () => {
      const error = Object.assign(new Error(`getaddrinfo ${code} db`), { code })
      assert.equal(toClientError(error).code, 503)
      assert.ok(isDatabaseUnavailable(error))
    })
  }

  it('lost connections, an empty pool and pg query_timeout are 503', () => {
    for (const message of ['Connection terminated unexpectedly', 'Query read timeout']) {
      assert.equal(toClientError(new Error(message)).code, 503)
    }
    const knexTimeout = Object.assign(new Error('Timeout acquiring a connection'), {
      name: 'KnexTimeoutError'
    })
    assert.equal(toClientError(knexTimeout).code, 503)
  })

  it('a unique violation stays a 409, other data errors a 400, other database errors a plain 500', () => {
    assert.equal(toClientError(pgError('23505')).code, 409)
    assert.equal(toClientError(wrapped(pgError('23505'))).code, 409)
    assert.equal(toClientError(pgError('22P02')).code, 400)
    const other = toClientError(pgError('42P01'))
    assert.equal(other.code, 500)
    assert.equal(other.message, 'Internal server error')
  })

  it('a Feathers error thrown on purpose keeps its status and message', () => {
    const busy = new Unavailable('Server busy')
    assert.equal(toClientError(busy), busy)
    const refused = new BadRequest('connection is closed, says the user')
    assert.equal(toClientError(refused), refused)
    assert.ok(!isDatabaseUnavailable(pgError('23505')))
  })
})
