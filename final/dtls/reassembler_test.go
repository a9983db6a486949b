package dtls

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// fragmentsOf cuts a message body into fragments at the given offsets.
func fragmentsOf(typ handshakeType, seq uint16, body []byte, cuts ...int) []handshakeFragment {
	var out []handshakeFragment
	prev := 0
	for _, c := range append(cuts, len(body)) {
		out = append(out, handshakeFragment{
			Header: handshakeHeader{Type: typ, Length: len(body), MessageSeq: seq, FragmentOffset: prev, FragmentLength: c - prev},
			Data:   body[prev:c],
		})
		prev = c
	}
	return out
}

// popAll takes every complete message.
func popAll(rs *reassembler) []*handshakeMessage {
	var msgs []*handshakeMessage
	for m, ok := rs.pop(); ok; m, ok = rs.pop() {
		rs.accept(m)
		msgs = append(msgs, m)
	}
	return msgs
}

func TestReassemblyShuffledOverlappingDuplicated(t *testing.T) {
	body := make([]byte, 1413)
	for i := range body {
		body[i] = byte(i * 7)
	}
	frags := fragmentsOf(typeClientHello, 0, body, 100, 500, 1175)
	// Overlapping fragments, as a retransmission with another MTU makes.
	frags = append(frags, fragmentsOf(typeClientHello, 0, body, 50, 700)...)
	frags = append(frags, frags[1]) // an exact duplicate
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		rng.Shuffle(len(frags), func(i, j int) { frags[i], frags[j] = frags[j], frags[i] })
		rs := newReassembler()
		var got *handshakeMessage
		for i := range frags {
			if _, err := rs.push(&frags[i], 0, testPeer); err != nil {
				t.Fatal(err)
			}
			for _, m := range popAll(rs) {
				if got != nil {
					t.Fatal("message delivered twice")
				}
				got = m
			}
		}
		if got == nil || !bytes.Equal(got.Body, body) {
			t.Fatalf("trial %d: message not reassembled", trial)
		}
	}
}

func TestReassemblyOrderAndRetransmission(t *testing.T) {
	rs := newReassembler()
	m := func(seq uint16, n int) handshakeFragment {
		return fragmentsOf(typeCertificate, seq, make([]byte, n))[0]
	}
	// The first accepted message sets next=2; then 3 arrives before 2.
	f1, f2, f3 := m(1, 10), m(2, 20), m(3, 30)
	rs.push(&f1, 0, testPeer)
	if msgs := popAll(rs); len(msgs) != 1 {
		t.Fatal("seq 1 not delivered")
	}
	rs.push(&f3, 0, testPeer)
	rs.push(&f2, 0, testPeer)
	if m, ok := rs.pop(); !ok || m.MessageSeq != 2 {
		t.Fatal("seq 2 not delivered first")
	} else {
		rs.accept(m)
	}
	if m, ok := rs.pop(); !ok || m.MessageSeq != 3 {
		t.Fatal("seq 3 not delivered second")
	} else {
		rs.accept(m)
	}
	if old, _ := rs.push(&f2, 0, testPeer); !old {
		t.Error("a fragment of a delivered message is not reported as a retransmission")
	}
	far := m(4+reassemblyWindow, 5)
	if _, err := rs.push(&far, 0, testPeer); err == nil {
		t.Error("message far ahead buffered")
	}
}

// A message the handshake did not take (a forged plaintext message) leaves
// its message_seq open for the real one.
func TestReassemblyDroppedMessageLeavesSeqOpen(t *testing.T) {
	rs := newReassembler()
	rs.expect(2)
	forged := fragmentsOf(typeClientKeyExchange, 2, []byte{1, 9})[0]
	rs.push(&forged, 0, testPeer)
	if m, ok := rs.pop(); !ok || m.Type != typeClientKeyExchange {
		t.Fatal("forged message not delivered")
	} // not accepted
	real := fragmentsOf(typeCertificate, 2, []byte{0, 0, 0})[0]
	if old, err := rs.push(&real, 0, testPeer); old || err != nil {
		t.Fatalf("real message refused: old=%v %v", old, err)
	}
	if m, ok := rs.pop(); !ok || m.Type != typeCertificate || m.MessageSeq != 2 {
		t.Fatalf("real message not delivered: %v", m)
	}
}

// A fragment that disagrees with the partial message of its message_seq
// replaces it (a stray fragment cannot block the message_seq), except that
// a plaintext fragment never replaces an authenticated one.
func TestReassemblyDisagreeingFragments(t *testing.T) {
	rs := newReassembler()
	rs.expect(4)
	stray := handshakeFragment{Header: handshakeHeader{Type: typeCertificate, Length: 500, MessageSeq: 4, FragmentLength: 1}, Data: []byte{9}}
	rs.push(&stray, 0, testPeer)
	body := []byte("the real certificate message")
	real := fragmentsOf(typeCertificate, 4, body, 10)
	for i := range real {
		rs.push(&real[i], 0, testPeer)
	}
	if m, ok := rs.pop(); !ok || !bytes.Equal(m.Body, body) {
		t.Fatalf("real message not reassembled after a stray fragment: %v", m)
	} else {
		rs.accept(m)
	}
	fin := fragmentsOf(typeFinished, 5, make([]byte, 12), 6)
	rs.push(&fin[0], 1, testPeer)
	plain := handshakeFragment{Header: handshakeHeader{Type: typeFinished, Length: 13, MessageSeq: 5, FragmentLength: 13}, Data: make([]byte, 13)}
	if _, err := rs.push(&plain, 0, testPeer); err == nil {
		t.Error("an epoch-0 fragment replaced an epoch-1 message")
	}
	rs.push(&fin[1], 1, testPeer)
	if m, ok := rs.pop(); !ok || m.Epoch != 1 || len(m.Body) != 12 {
		t.Fatalf("epoch-1 Finished lost: %v", m)
	}
}

// Issue 7, finding 5: while stateless, a fragment of message_seq 65535 must
// not make the real ClientHello (message_seq 0) look old.
func TestReassemblyStatelessAnySeq(t *testing.T) {
	rs := newReassembler()
	stray := handshakeFragment{Header: handshakeHeader{Type: typeClientHello, Length: 100, MessageSeq: 65535, FragmentLength: 1}, Data: []byte{1}}
	rs.push(&stray, 0, testPeer)
	body := []byte("a ClientHello")
	hello := fragmentsOf(typeClientHello, 0, body)[0]
	if old, err := rs.push(&hello, 0, testPeer); old || err != nil {
		t.Fatalf("ClientHello refused: old=%v %v", old, err)
	}
	if m, ok := rs.pop(); !ok || m.MessageSeq != 0 || !bytes.Equal(m.Body, body) {
		t.Fatalf("ClientHello not delivered: %v", m)
	}
	// Fragments from another address do not mix into a message.
	a := fragmentsOf(typeClientHello, 1, body, 5)
	other := netip.MustParseAddrPort("203.0.113.9:4444")
	rs.push(&a[0], 0, testPeer)
	rs.push(&a[1], 0, other)
	if m, ok := rs.pop(); ok {
		t.Fatalf("message assembled from two addresses: %v", m)
	}
}

func TestReassemblyMemoryCaps(t *testing.T) {
	rs := newReassembler()
	huge := handshakeFragment{Header: handshakeHeader{Type: typeCertificate, Length: maxHandshakeMessageLen + 1, FragmentLength: 1}, Data: []byte{0}}
	if _, err := rs.push(&huge, 0, testPeer); err == nil {
		t.Error("message over 64 KiB accepted")
	}
	big := func(seq uint16) *handshakeFragment {
		return &handshakeFragment{Header: handshakeHeader{Type: typeCertificate, Length: maxHandshakeMessageLen, MessageSeq: seq, FragmentLength: 1}, Data: []byte{0}}
	}
	// Ordered: messages ahead fill the buffer up to the cap, no further;
	// the message needed next still fits, in place of the furthest one.
	rs = newReassembler()
	rs.expect(0)
	for seq := uint16(1); seq < reassemblyWindow; seq++ {
		rs.startDatagram()
		rs.push(big(seq), 0, testPeer)
		if rs.buffered > maxBufferedBytes {
			t.Fatalf("buffered %d bytes (cap %d)", rs.buffered, maxBufferedBytes)
		}
	}
	if len(rs.pending) != 2 {
		t.Errorf("%d messages buffered, want 2", len(rs.pending))
	}
	rs.startDatagram()
	if _, err := rs.push(big(0), 0, testPeer); err != nil || rs.pending[0] == nil || rs.pending[2] != nil {
		t.Errorf("next message not buffered in place of a further one: %v", err)
	}
	// Stateless: the oldest partial messages make room for new ones.
	rs = newReassembler()
	for seq := range uint16(20) {
		rs.startDatagram()
		if _, err := rs.push(big(seq), 0, testPeer); err != nil {
			t.Fatal(err)
		}
		if rs.buffered > maxBufferedBytes || len(rs.pending) > reassemblyWindow {
			t.Fatalf("buffered %d bytes in %d messages", rs.buffered, len(rs.pending))
		}
	}
	if rs.pending[19] == nil || rs.pending[0] != nil {
		t.Error("the newest message was not kept")
	}
	// One datagram may not allocate more than the cap.
	rs = newReassembler()
	var err error
	for seq := uint16(0); seq < 3 && err == nil; seq++ {
		_, err = rs.push(big(seq), 0, testPeer)
	}
	if err != errBudget {
		t.Errorf("three 64 KiB messages from one datagram: %v", err)
	}
}

func TestSetBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 300
	words := make([]uint64, (n+63)/64)
	var naive [n]bool
	for range 2000 {
		a, b := rng.IntN(n+1), rng.IntN(n+1)
		a, b = min(a, b), max(a, b)
		want := 0
		for i := a; i < b; i++ {
			if !naive[i] {
				want++
				naive[i] = true
			}
		}
		if got := setBits(words, a, b); got != want {
			t.Fatalf("setBits(%d, %d) = %d new bits, want %d", a, b, got, want)
		}
	}
	for i := range n {
		if got := words[i/64]>>(i%64)&1 == 1; got != naive[i] {
			t.Fatalf("bit %d = %v", i, got)
		}
	}
}

// evenOffsetFragments is the attack of issue 7, finding 2: one-byte
// fragments at every even offset of a 60,000-byte ClientHello, which never
// completes. The old range list was copied on every fragment: quadratic.
func evenOffsetFragments() []handshakeFragment {
	const msgLen = 60000
	var frags []handshakeFragment
	for off := 0; off < msgLen; off += 2 {
		frags = append(frags, handshakeFragment{
			Header: handshakeHeader{Type: typeClientHello, Length: msgLen, FragmentOffset: off, FragmentLength: 1},
			Data:   []byte{0xab},
		})
	}
	return frags
}

// adversarialDatagrams packs evenOffsetFragments into 1500-byte datagrams,
// one record each: 264 datagrams.
func adversarialDatagrams() [][]byte {
	var dgs [][]byte
	var rec []byte
	flush := func() {
		h := recordHeader{ContentType: contentHandshake, Version: VersionDTLS12, SequenceNumber: uint64(len(dgs))}
		dgs = append(dgs, (&record{Header: h, Fragment: rec}).marshal(nil))
		rec = nil
	}
	for _, f := range evenOffsetFragments() {
		if recordHeaderLen+len(rec)+handshakeHeaderLen+1 > 1500 {
			flush()
		}
		rec = appendHandshakeHeader(rec, &f.Header)
		rec = append(rec, f.Data...)
	}
	flush()
	return dgs
}

// Issue 7, finding 2: each fragment must cost O(its length). The old code
// allocated a new range list per fragment (30,000 allocations, 7 GB, 5 s);
// the bitmap allocates once per message.
func TestReassemblyAdversarialFragments(t *testing.T) {
	frags := evenOffsetFragments()
	var rs *reassembler
	allocs := testing.AllocsPerRun(1, func() {
		rs = newReassembler()
		for i := range frags {
			rs.push(&frags[i], 0, testPeer)
		}
	})
	if allocs > 20 {
		t.Errorf("%d fragments: %.0f allocations, want a handful", len(frags), allocs)
	}
	if _, ok := rs.pop(); ok {
		t.Fatal("half a message delivered")
	}
	// The odd bytes complete it.
	for i := range frags {
		frags[i].Header.FragmentOffset++
		frags[i].Data = []byte{0xcd}
		rs.push(&frags[i], 0, testPeer)
	}
	m, ok := rs.pop()
	if !ok || len(m.Body) != 60000 || m.Body[0] != 0xab || m.Body[1] != 0xcd || m.Body[59999] != 0xcd {
		t.Fatalf("message not complete: %v", m)
	}
}

// BenchmarkReassemblyAdversarial times a Conn fed the 264 datagrams of
// evenOffsetFragments (393 kB), before any cookie is checked.
func BenchmarkReassemblyAdversarial(b *testing.B) {
	dgs := adversarialDatagrams()
	cfg := testConfig(b)
	b.ResetTimer()
	for range b.N {
		srv := Server(cfg)
		for _, d := range dgs {
			srv.Handle(t0, testPeer, d)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
}
