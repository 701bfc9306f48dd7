/** s3rver in a process of its own (so its memory is not the uploader's): prints its port, runs until killed. */
import S3rver from 's3rver';

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.argv[2],
  configureBuckets: [{ name: 'bench', configs: [] }],
});
const { port } = await server.run();
process.stdout.write(`${port}\n`);
