#include "common/file_descriptor.h"

#include <unistd.h>

namespace kansoku {

int FileDescriptor::reset() {
    int rc = 0;
    if (fd_ >= 0) {
        rc = ::close(fd_);
        fd_ = -1;
    }
    return rc;
}

} // namespace kansoku
