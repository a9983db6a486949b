package stun_test

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"nutsandbolts/final/stun"
)

// A server answering a connectivity check, in the order of RFC 8489 §6.3
// and §9.1.3. The request is the RFC 5769 §2.1 sample, whose USERNAME is
// "evtj:h6vY": this server's ufrag is "evtj".
func Example_server() {
	datagram, _ := hex.DecodeString("000100582112a442b7e7a701bc34d686fa87dfae" +
		"802200105354554e20746573742063" + "6c69656e74" +
		"002400046e0001ff80290008932ff9b151263b36" +
		"000600096576746a3a68367659202020" +
		"000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" +
		"80280004e57a3bcf")
	src := netip.MustParseAddrPort("192.0.2.1:32853")
	const ufrag, pwd = "evtj", "VOkJxbRl1RmTxUk/WvJxBt"

	if !stun.IsMessage(datagram) {
		return // DTLS or SRTP: not ours
	}
	var req stun.Message
	if err := req.Unmarshal(datagram); err != nil {
		fmt.Println("drop:", err)
		return
	}
	fmt.Println("got ", &req)
	if err := req.CheckFingerprint(); err != nil {
		fmt.Println("drop:", err)
		return
	}
	username, err := req.Username()
	if err != nil || !req.Has(stun.AttrMessageIntegrity) {
		res, _ := stun.NewErrorResponse(&req, stun.CodeBadRequest, "")
		fmt.Println("send", res)
		return
	}
	if !strings.HasPrefix(username, ufrag+":") || req.CheckIntegrity(stun.ShortTermKey(pwd)) != nil {
		res, _ := stun.NewErrorResponse(&req, stun.CodeUnauthenticated, "")
		fmt.Println("send", res)
		return
	}
	var res *stun.Message
	if unknown := req.UnknownComprehensionRequired(); len(unknown) > 0 {
		res = stun.NewUnknownAttributesResponse(&req, unknown)
	} else {
		res = stun.NewBindingSuccess(&req, src)
	}
	res.AddMessageIntegrity(stun.ShortTermKey(pwd))
	res.AddFingerprint()
	fmt.Println("send", res)
	out := res.Marshal()
	fmt.Println(len(out), "bytes to", src)
	for i := 0; i+4 <= len(out); i += 4 {
		fmt.Printf("% x\n", out[i:i+4]) // the layout of RFC 5769 and of doc.go
	}
	// Output:
	// got  Binding request tx=b7e7a701bc34d686fa87dfae SOFTWARE="STUN test client" PRIORITY=1845494271 ICE-CONTROLLED=0x932ff9b151263b36 USERNAME="evtj:h6vY" MESSAGE-INTEGRITY FINGERPRINT
	// send Binding success response tx=b7e7a701bc34d686fa87dfae XOR-MAPPED-ADDRESS=192.0.2.1:32853 MESSAGE-INTEGRITY FINGERPRINT
	// 64 bytes to 192.0.2.1:32853
	// 01 01 00 2c
	// 21 12 a4 42
	// b7 e7 a7 01
	// bc 34 d6 86
	// fa 87 df ae
	// 00 20 00 08
	// 00 01 a1 47
	// e1 12 a6 43
	// 00 08 00 14
	// 74 c9 37 1e
	// bf 31 48 54
	// 85 18 69 9c
	// 3e 31 74 c2
	// 0d d9 e6 8a
	// 80 28 00 04
	// fa e4 04 3a
}

// The program's loop drives a Transaction: it sends, sleeps until
// Deadline, and feeds every STUN datagram to HandleResponse. Here the
// first two requests are lost and the clock is simulated.
func ExampleTransaction() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := now
	tr := stun.NewTransaction(now, stun.WithTimeout(10*time.Second))
	send := func() { fmt.Println("send request at", now.Sub(start)) }
	send()

	for sent := 1; ; {
		now = tr.Deadline() // a real loop sets a read deadline and waits
		resend, err := tr.HandleTimeout(now)
		if err != nil {
			fmt.Println("gave up:", err)
			return
		}
		if !resend {
			continue
		}
		send()
		if sent++; sent < 3 {
			continue // lost
		}
		// The server's answer arrives 20 ms later.
		now = now.Add(20 * time.Millisecond)
		var req stun.Message
		req.Unmarshal(tr.Request())
		res := stun.NewBindingSuccess(&req, netip.MustParseAddrPort("203.0.113.7:61000"))
		mapped, done, err := tr.HandleResponse(res.Marshal())
		if done && err == nil {
			fmt.Println("server-reflexive address", mapped, "after", now.Sub(start))
			return
		}
	}
	// Output:
	// send request at 0s
	// send request at 500ms
	// send request at 1.5s
	// server-reflexive address 203.0.113.7:61000 after 1.52s
}
