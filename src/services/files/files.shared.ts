import type { ClientApplication } from '../../client'
import type { FileRecord } from './files.schema'

export type { FileRecord }
export const filePath = 'api/files'
export const fileMethods = ['get', 'remove'] as const
export type FileClientService = {
  get(id: string): Promise<FileRecord>
  remove(id: string): Promise<FileRecord>
}

export const fileClient = (client: ClientApplication) => {
  client.use(filePath, client.get('connection').service(filePath), { methods: [...fileMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [filePath]: FileClientService
  }
}
