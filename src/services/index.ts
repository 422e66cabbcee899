// For more information about this file see https://dove.feathersjs.com/guides/cli/application.html#configure-functions
import type { Application } from '../declarations'
import { user } from './users/users'
import { profile } from './users/profile/profile'
import { userSearch } from './users/search/search'
import { status } from './users/status/status'
import { register } from './auth/register/register'
import { login } from './auth/login/login'
import { refresh } from './auth/refresh/refresh'
import { logout } from './auth/logout/logout'

export const services = (app: Application) => {
  app.configure(user)
  app.configure(profile)
  app.configure(userSearch)
  app.configure(status)
  app.configure(register)
  app.configure(login)
  app.configure(refresh)
  app.configure(logout)
  // All services will be registered here
}
