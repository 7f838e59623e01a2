import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** The form token of a page, as a browser would submit it. */
export function csrfTokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no _csrf field in the page');
  return token;
}

export interface FilePart {
  field?: string;
  filename: string;
  content: string | Buffer;
  type?: string;
}

/** A multipart/form-data body like a browser builds for a form with a file input. */
export function multipartBody(
  fields: Record<string, string>,
  file?: FilePart,
): { payload: Buffer; contentType: string } {
  const boundary = `----pp-test-${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
    );
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a file form with the cookies of a browser() client (its `jar`) and the page's token. */
export async function postFile(
  app: FastifyInstance,
  jar: Map<string, string>,
  url: string,
  token: string,
  file?: FilePart,
  fields: Record<string, string> = {},
) {
  const { payload, contentType } = multipartBody({ _csrf: token, ...fields }, file);
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: {
      accept: 'text/html',
      'content-type': contentType,
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
}
