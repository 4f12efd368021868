// s3rver ships no types: what test/support/s3-server.ts uses of it.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  type Middleware = (
    ctx: {
      method: string;
      path: string;
      query: Record<string, string | string[] | undefined>;
      status: number;
      body: unknown;
      type: string;
    },
    next: () => Promise<void>,
  ) => Promise<void> | void;

  export default class S3rver {
    constructor(options: {
      address?: string;
      port?: number;
      directory: string;
      silent?: boolean;
      configureBuckets?: { name: string }[];
      vhostBuckets?: boolean;
    });
    middleware: Middleware[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
