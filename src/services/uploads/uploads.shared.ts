import type { ClientApplication } from '../../client'
import type { FileRecord, UploadData } from '../files/files.schema'

export type { UploadData }
export const uploadPath = 'api/uploads'
// Uploads are multipart over REST (`POST /api/uploads`); there is no Socket.IO upload.
export const uploadMethods = ['create'] as const
export type UploadClientService = { create(data: UploadData): Promise<FileRecord> }

export const uploadClient = (client: ClientApplication) => {
  client.use(uploadPath, client.get('connection').service(uploadPath), { methods: [...uploadMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [uploadPath]: UploadClientService
  }
}
