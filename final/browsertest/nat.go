package browsertest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// NATAddress is the address the browser appears to come from behind [NAT].
const NATAddress = "127.0.0.2"

// NAT puts a network address translator between the browser and the
// server's UDP port, on loopback: datagrams from 127.0.0.1 to port leave
// with source 127.0.0.2 (a source NAT rule of nftables, with the kernel's
// connection tracking mapping the answers back). So the server sees the
// browser at another address than the browser's own, as a real server on
// the Internet does, and a STUN server tells the browser an address it did
// not know: a server-reflexive candidate. Call it inside [InPrivateNetwork].
func NAT(t testing.TB, port int) {
	t.Helper()
	nft := find("nft")
	if nft == "" {
		skipOrFail(t, "nft is not installed (Debian: apt-get install nftables)")
	}
	rules := fmt.Sprintf(`table ip nat_test {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 127.0.0.1 ip daddr 127.0.0.1 udp dport %d snat to %s
	}
}
`, port, NATAddress)
	cmd := exec.Command(nft, "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		skipOrFail(t, "cannot add a NAT rule: %v: %s", err, out)
	}
}
