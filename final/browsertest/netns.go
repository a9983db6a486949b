// Package browsertest runs a real browser against a step's server, inside a
// private network namespace that has nothing but loopback, with no WebDriver:
// the page reports its RTCPeerConnection states to the server over the
// signaling WebSocket, so the test reads them from the server's own log.
//
//	func TestChromium(t *testing.T) {
//		if !browsertest.InPrivateNetwork(t) {
//			return // the test ran in a child process, inside the namespace
//		}
//		... start the server, browsertest.StartChromium(t, url), wait for log lines ...
//	}
package browsertest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// insideEnv marks the child process that runs inside the namespace.
const insideEnv = "NUTSANDBOLTS_NETNS"

// InCI reports whether the test runs in CI, where a browser test must run:
// a missing browser or namespace support there is a failure, not a skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// skipOrFail skips the test on a developer's machine and fails it in CI.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true, so this cannot be skipped: "+format, args...)
	}
	t.Skipf(format, args...)
}

// InPrivateNetwork makes the calling test run in a network namespace of its
// own. Called outside one, it runs the same test again in a child process
// inside a new namespace, reports the child's result and returns false: the
// caller then returns. Called inside (in the child), it brings up loopback,
// checks that loopback is the only interface, and returns true.
//
// Nothing the test starts can then reach any address but 127.0.0.1 and ::1,
// and fixed ports such as the defaults 8080 and 15000 are always free.
func InPrivateNetwork(t *testing.T) bool {
	t.Helper()
	if os.Getenv(insideEnv) == t.Name() {
		if err := loopbackUp(); err != nil {
			t.Fatalf("bring up lo: %v", err)
		}
		ifaces, err := net.Interfaces()
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range ifaces {
			if i.Name != "lo" {
				t.Fatalf("network namespace has interface %q besides lo; refusing to run", i.Name)
			}
		}
		return true
	}
	if strings.Contains(t.Name(), "/") {
		t.Fatal("browsertest: InPrivateNetwork must be called from a top-level test")
	}

	args := []string{"-test.run=^" + regexp.QuoteMeta(t.Name()) + "$", "-test.v", "-test.count=1"}
	for _, a := range os.Args[1:] {
		// Keep the test's own flags and the timeout; drop go test's
		// bookkeeping files, which belong to the parent.
		if !strings.HasPrefix(a, "-test.") || strings.HasPrefix(a, "-test.timeout") {
			args = append(args, a)
		}
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), insideEnv+"="+t.Name())
	cmd.SysProcAttr = namespaceAttr()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil && strings.Contains(out.String(), "--- SKIP: "+t.Name()):
		t.Log(out.String())
		t.Skip("skipped inside the namespace (see above)")
	case err == nil:
		t.Log("ran inside a private network namespace:\n" + out.String())
	case errors.As(err, &exit):
		t.Fatalf("inside the private network namespace:\n%s", out.String())
	default:
		skipOrFail(t, "cannot create a private network namespace (run as root, or enable unprivileged user namespaces): %v", err)
	}
	return false
}

// namespaceAttr asks for a new network namespace: directly as root, or
// inside a new user namespace where an ordinary user is root.
func namespaceAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if os.Getuid() != 0 {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	}
	return a
}

// loopbackUp sets the IFF_UP flag of lo, as `ip link set lo up` does, with
// the SIOCGIFFLAGS/SIOCSIFFLAGS ioctls (netdevice(7)).
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var req ifreq
	copy(req.name[:], "lo")
	if err := ioctl(fd, syscall.SIOCGIFFLAGS, &req); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS: %w", err)
	}
	req.flags |= syscall.IFF_UP
	if err := ioctl(fd, syscall.SIOCSIFFLAGS, &req); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS: %w", err)
	}
	return nil
}
