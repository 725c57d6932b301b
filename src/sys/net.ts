/** Interface flags through ioctl(2): enough to bring loopback up in a new network namespace. */
import { check, libcFunction } from './libc';
import { close } from './fs-at';

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
const IFREQ_SIZE = 40;

/** Sets IFF_UP on interface `name` in the calling thread's network namespace. */
export function interfaceUp(name: string): void {
  const socket = libcFunction('int socket(int domain, int type, int protocol)');
  const ioctl = libcFunction('int ioctl(int fd, unsigned long request, void *arg)');
  const fd = check(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), 'socket', 'AF_INET');
  try {
    const ifr = Buffer.alloc(IFREQ_SIZE);
    ifr.write(name, 0, 15, 'ascii');
    check(ioctl(fd, SIOCGIFFLAGS, ifr), 'ioctl SIOCGIFFLAGS', `\`${name}\``);
    ifr.writeInt16LE(ifr.readInt16LE(16) | IFF_UP, 16);
    check(ioctl(fd, SIOCSIFFLAGS, ifr), 'ioctl SIOCSIFFLAGS', `\`${name}\``);
  } finally {
    close(fd);
  }
}
