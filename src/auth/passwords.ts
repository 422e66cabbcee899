// Password hashing with bcrypt (pure-JS bcryptjs: no native build). The cost comes from
// `authentication.local.hashSize` (10 by default, lowered in config/test.json to keep tests fast).
import bcrypt from 'bcryptjs'
import type { Application } from '../declarations'

export const hashPassword = (app: Application, password: string) =>
  bcrypt.hash(password, app.get('authentication').local?.hashSize ?? 10)

export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash)
