#pragma once

/// A file descriptor closed on scope exit: the one owner type for raw descriptors.

namespace kansoku {

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() { reset(); }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;

    int get() const { return fd_; }
    /// Closes now and reports close()'s result (a deferred write error shows up here); 0 if none was open.
    int reset();

private:
    int fd_;
};

} // namespace kansoku
