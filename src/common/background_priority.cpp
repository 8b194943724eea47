#include "common/background_priority.h"

#include <sys/resource.h>
#include <unistd.h>

namespace kansoku {

bool lowerToBackgroundPriority() {
    // PRIO_PROCESS with a thread id sets that thread's nice value alone (setpriority(2), Linux notes).
    return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kBackgroundNice) == 0;
}

} // namespace kansoku
