/* write(2) until all of it is written, retrying on EINTR; gives up silently on any other failure
 * (the callers report through this very fd, or have no one left to tell). Shared by berth-init and
 * berth-monitor; header-only, as each is a single static program. */
#ifndef BERTH_WRITE_ALL_H
#define BERTH_WRITE_ALL_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

static void write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    len -= (size_t)n;
  }
}

#endif
