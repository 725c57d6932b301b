/*
 * Sealed copies of berth's own binaries, for the processes a container can see (CVE-2019-5736).
 *
 * A process of the container may open /proc/PID/exe of any process it can see and, once that process no longer
 * executes the file, reopen the handle for writing: a host binary run that way is rewritten for every later
 * container. So berth-monitor starts berth-init from a memfd copy, and berth-init re-execs itself from one when it
 * was started from its file (berth exec). The copy is sealed against every change (F_SEAL_SEAL, SHRINK, GROW,
 * WRITE): a write through /proc/PID/exe gets EPERM, and every start makes its own copy, so nothing could carry over
 * to another container anyway. The copy lives as long as the process maps it: until the command's execve.
 *
 * Kernel needs: memfd_create and seals (Linux 3.17), execveat for fexecve (3.19). MFD_EXEC (6.3) is asked for first,
 * so that a host with vm.memfd_noexec=1 still lets us execute the copy; a kernel that does not know the flag
 * answers EINVAL, and the copy is made without it.
 */
#ifndef BERTH_SEALED_EXE_H
#define BERTH_SEALED_EXE_H

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALED_EXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* A sealed, close-on-exec memfd holding all of the regular file open at `source`; -1 with errno set. */
static inline int sealed_copy(int source, const char *name) {
  struct stat st;
  if (fstat(source, &st) < 0) return -1;
  if (!S_ISREG(st.st_mode)) {
    errno = EINVAL;
    return -1;
  }
  int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING); /* before 6.3 */
  if (fd < 0) return -1;
  off_t offset = 0;
  while (offset < st.st_size) {
    ssize_t n = sendfile(fd, source, &offset, (size_t)(st.st_size - offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n == 0 ? EIO : errno; /* the file shrank under us */
      close(fd);
      errno = err;
      return -1;
    }
  }
  if (fcntl(fd, F_ADD_SEALS, SEALED_EXE_SEALS) < 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

/* 1 when this process runs from a copy sealed as sealed_copy() seals it. */
static inline int running_sealed(void) {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  int seals = fcntl(fd, F_GET_SEALS); /* EINVAL for anything but a memfd */
  close(fd);
  return seals >= 0 && (seals & SEALED_EXE_SEALS) == SEALED_EXE_SEALS;
}

#endif
