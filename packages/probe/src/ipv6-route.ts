// Whether this machine can reach an IPv6 address at all, asked of the kernel without sending a
// packet: connect() on a UDP socket only looks up a route. A machine without IPv6 connectivity
// answers ENETUNREACH (or EADDRNOTAVAIL, EHOSTUNREACH), and a domain test then says "not tested:
// no IPv6 connectivity from here" instead of blaming the server for a connection that could not start.
// Only addresses the policy already allowed are ever asked about.
import dgram from 'node:dgram';

const NO_ROUTE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/** True unless the kernel says there is no route to `address` (an IPv6 literal); any other error lets the session find out. */
export function hasRouteTo(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: dgram.Socket;
    try {
      socket = dgram.createSocket('udp6');
    } catch {
      resolve(false);
      return;
    }
    const done = (error?: NodeJS.ErrnoException | null) => {
      socket.close();
      resolve(!(error && NO_ROUTE.has(error.code ?? '')));
    };
    socket.once('error', done);
    // Port 25 for the record; UDP connect sends nothing.
    socket.connect(25, address, () => done());
  });
}
