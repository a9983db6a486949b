package browsertest

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nutsandbolts/final/logging"
)

func TestY4M(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.y4m")
	if err := WriteY4M(path, 64, 48, 3, 10); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(b), "\n")
	if header != "YUV4MPEG2 W64 H48 F10:1 Ip A1:1 C420jpeg" {
		t.Errorf("header %q", header)
	}
	frame := len("FRAME\n") + 64*48*3/2
	if len(b) != len(header)+1+3*frame {
		t.Errorf("size %d, want %d", len(b), len(header)+1+3*frame)
	}
	f0 := b[len(header)+1 : len(header)+1+frame]
	f1 := b[len(header)+1+frame : len(header)+1+2*frame]
	if string(f0) == string(f1) {
		t.Error("frames 0 and 1 are identical; the clip must move")
	}
}

// TestPrivateNetwork checks the namespace itself: only lo, and no route to
// anywhere else (connecting a UDP socket sends nothing; it only looks up a route).
func TestPrivateNetwork(t *testing.T) {
	if !InPrivateNetwork(t) {
		return
	}
	ifaces, _ := net.Interfaces()
	if len(ifaces) != 1 || ifaces[0].Flags&net.FlagUp == 0 {
		t.Fatalf("interfaces %v, want lo up", ifaces)
	}
	if c, err := net.Dial("udp", "192.0.2.1:9"); err == nil { // TEST-NET-1, RFC 5737
		c.Close()
		t.Fatal("a non-loopback address has a route")
	}
	l, err := net.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		t.Fatalf("port 8080 not free in the namespace: %v", err)
	}
	l.Close()
}

func TestLogWait(t *testing.T) {
	var l Log
	go func() {
		time.Sleep(10 * time.Millisecond)
		w := bufio.NewWriter(&l)
		w.WriteString("  0.001s [ws]    noise  k=v\n  0.002s [sdp]   answer accepted  setup=active\n")
		w.Flush()
	}()
	got := l.Wait(t, 5*time.Second, "answer", Is("sdp", "answer accepted", "setup", "active"))
	if got.Attrs[0] != (logging.Attr{Key: "setup", Value: "active"}) {
		t.Errorf("got %+v", got)
	}
	if Is("sdp", "answer accepted", "setup", "passive")(got) {
		t.Error("matcher ignores attribute values")
	}
}

// TestNAT checks that a UDP datagram through the NAT arrives from
// NATAddress, and that the answer finds its way back.
func TestNAT(t *testing.T) {
	if !InPrivateNetwork(t) {
		return
	}
	NAT(t, 15000)
	srv, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 15000})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := net.DialUDP("udp4", nil, srv.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("hello"))
	buf := make([]byte, 16)
	srv.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, from, err := srv.ReadFromUDP(buf)
	if err != nil {
		t.Fatal(err)
	}
	if from.IP.String() != NATAddress || from.Port == 0 {
		t.Errorf("datagram arrived from %v, want %s", from, NATAddress)
	}
	srv.WriteToUDP([]byte("back"), from)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "back" {
		t.Errorf("answer through the NAT: %q, %v", buf[:n], err)
	}
}
