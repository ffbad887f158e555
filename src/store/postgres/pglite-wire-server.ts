import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/** Codes of the untyped first messages (PostgreSQL docs, "Message Formats"). */
const SSL_REQUEST = 80877103;
const GSS_ENCRYPTION_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/**
 * Extended-query messages (Parse, Bind, Describe, Execute, Close, Flush): the client's statement is
 * not finished until its Sync, so no other connection may run in between.
 */
const MID_STATEMENT = new Set(['P', 'B', 'D', 'E', 'C', 'H']);
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);

export interface PgliteWireServer {
  host: string;
  /** The port actually bound (useful when 0 was asked for). */
  port: number;
  /** Connections open now. */
  connections(): number;
  /** Stops accepting, closes every connection (rolling back what they left open); leaves `db` open. */
  close(): Promise<void>;
}

interface Connection {
  socket: Socket;
  buffer: Buffer;
  /** True once the startup message has been read (later messages carry a type byte). */
  started: boolean;
  pending: { data: Buffer; typed: boolean }[];
  /** True while it waits in the run queue. */
  queued: boolean;
  closed: boolean;
  /** The last message it ran left a statement unfinished (no Sync yet). */
  midStatement: boolean;
}

/**
 * Serves one PGlite database to several PostgreSQL clients over the wire protocol.
 *
 * PGlite is a single backend session, so every connection shares it. `@electric-sql/pglite-socket`'s
 * server queues single protocol messages, which lets two clients' extended-query messages interleave
 * (one's Bind lands on the other's Parse) and, when a query fails, stops its queue. Here a connection
 * owns the session from its first message until it is back at a statement boundary (after Sync or a
 * simple Query) with no transaction open, so a transaction is isolated as under PostgreSQL's own
 * locking: the others wait, and never see or join its work. A client that disconnects mid-statement
 * or mid-transaction has its statement ended and its transaction rolled back. Connections still share
 * session state (SET, LISTEN/NOTIFY, temporary tables, session advisory locks): clients must not
 * rely on it.
 */
export async function startPgliteWireServer(options: {
  db: PGlite;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string | undefined;
  /** Connections beyond this are refused with SQLSTATE 53300; default 100. */
  maxConnections?: number | undefined;
  /** Told when PGlite fails on a connection's message (the connection is then closed). */
  onError?: ((error: unknown) => void) | undefined;
}): Promise<PgliteWireServer> {
  const { db } = options;
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 100;
  const open = new Set<Connection>();
  const runQueue: Connection[] = [];
  /** The connection whose statement or transaction is in progress: only it runs until it lets go. */
  let owner: Connection | undefined;
  let pumping: Promise<void> | undefined;

  const enqueue = (connection: Connection) => {
    if (connection.queued || connection === owner) return;
    connection.queued = true;
    runQueue.push(connection);
  };

  /** Ends the statement a departed client left and rolls back its transaction. */
  const cleanUp = async (connection: Connection) => {
    connection.pending = [];
    if (connection.midStatement) {
      await db.runExclusive(() => db.execProtocolRawStream(SYNC, { onRawData: () => undefined }));
      connection.midStatement = false;
    }
    if (db.isInTransaction()) await db.exec('ROLLBACK');
  };

  /** Runs one of the owner's messages; resolves whether it still owns the session afterwards. */
  const run = async (connection: Connection, message: { data: Buffer; typed: boolean }): Promise<boolean> => {
    if (message.typed && message.data[0] === 0x58) {
      // Terminate.
      connection.closed = true;
      connection.socket.end();
      await cleanUp(connection);
      return false;
    }
    await db.runExclusive(() =>
      db.execProtocolRawStream(message.data, {
        onRawData: (data) => {
          // A copy: `data` may be a view of PGlite's memory, reused for the next chunk while the socket
          // still queues this one (large results came out garbled without it).
          if (!connection.closed && data.length > 0 && connection.socket.writable) {
            connection.socket.write(Buffer.from(data));
          }
        },
      }),
    );
    connection.midStatement = message.typed && MID_STATEMENT.has(String.fromCharCode(message.data[0]!));
    return connection.midStatement || db.isInTransaction();
  };

  const drain = async () => {
    for (;;) {
      let connection = owner;
      if (connection === undefined) {
        connection = runQueue.shift();
        if (connection === undefined) return;
        connection.queued = false;
      }
      if (connection.closed) {
        if (owner === connection) {
          owner = undefined;
          await cleanUp(connection);
        }
        connection.pending = [];
        continue;
      }
      const message = connection.pending.shift();
      if (message === undefined) {
        // The owner has sent nothing further yet; its next data starts the pump again.
        if (owner === connection) return;
        continue;
      }
      owner = connection;
      let holds: boolean;
      try {
        holds = await run(connection, message);
      } catch (error) {
        options.onError?.(error);
        connection.closed = true;
        connection.socket.destroy();
        // Stays the owner: the next turn of the loop cleans up after it.
        continue;
      }
      if (!holds) {
        owner = undefined;
        if (connection.pending.length > 0) enqueue(connection);
      }
    }
  };

  const pump = () => {
    pumping ??= drain()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        pumping = undefined;
        // Work that arrived while the last turn was finishing.
        if (owner === undefined ? runQueue.length > 0 : owner.pending.length > 0 || owner.closed) void pump();
      });
    return pumping;
  };

  const receive = (connection: Connection, data: Buffer) => {
    connection.buffer = connection.buffer.length === 0 ? data : Buffer.concat([connection.buffer, data]);
    let added = false;
    for (;;) {
      const buffer = connection.buffer;
      let length: number;
      if (!connection.started) {
        if (buffer.length < 8) break;
        length = buffer.readInt32BE(0);
        if (buffer.length < length) break;
        const code = buffer.readInt32BE(4);
        connection.buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSS_ENCRYPTION_REQUEST) {
          // "N": no encryption; the client goes on in plain text (or gives up, as it chooses).
          connection.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          // PGlite cannot interrupt a running statement; a cancel request gets no answer, as PostgreSQL allows.
          connection.socket.end();
          return;
        }
        connection.started = true;
        connection.pending.push({ data: buffer.subarray(0, length), typed: false });
      } else {
        if (buffer.length < 5) break;
        length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) break;
        connection.buffer = buffer.subarray(length);
        connection.pending.push({ data: buffer.subarray(0, length), typed: true });
      }
      added = true;
    }
    if (added) {
      enqueue(connection);
      void pump();
    }
  };

  const server = createServer((socket) => {
    if (open.size >= maxConnections) {
      socket.on('error', () => undefined);
      socket.write(errorResponse('53300', `too many connections (at most ${maxConnections})`), () => socket.destroy());
      return;
    }
    socket.setNoDelay(true);
    const connection: Connection = {
      socket,
      buffer: Buffer.alloc(0),
      started: false,
      pending: [],
      queued: false,
      closed: false,
      midStatement: false,
    };
    open.add(connection);
    socket.on('data', (data) => receive(connection, data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      open.delete(connection);
      connection.closed = true;
      if (owner === connection) void pump();
    });
  });

  await db.waitReady;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  return {
    host,
    port,
    connections: () => open.size,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of open) {
        connection.closed = true;
        connection.socket.destroy();
      }
      await pump();
      await closed;
    },
  };
}

/** A FATAL ErrorResponse message (PostgreSQL docs, "Error and Notice Message Fields"). */
function errorResponse(sqlState: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}
