package browsertest

import (
	"syscall"
	"unsafe"
)

// ifreq is struct ifreq of <net/if.h> with the ifr_flags member of its union.
type ifreq struct {
	name  [syscall.IFNAMSIZ]byte // interface name, NUL-terminated
	flags uint16                 // ifr_flags
	_     [22]byte               // rest of the union
}

func ioctl(fd int, req uint, r *ifreq) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(r))); e != 0 {
		return e
	}
	return nil
}
