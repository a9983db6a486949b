package dtls

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// fragmentsOf cuts a message body into fragments at the given offsets.
func fragmentsOf(typ HandshakeType, seq uint16, body []byte, cuts ...int) []HandshakeFragment {
	var out []HandshakeFragment
	prev := 0
	for _, c := range append(cuts, len(body)) {
		out = append(out, HandshakeFragment{
			Header: HandshakeHeader{Type: typ, Length: len(body), MessageSeq: seq, FragmentOffset: prev, FragmentLength: c - prev},
			Data:   body[prev:c],
		})
		prev = c
	}
	return out
}

func TestReassemblyShuffledOverlappingDuplicated(t *testing.T) {
	body := make([]byte, 1413)
	for i := range body {
		body[i] = byte(i * 7)
	}
	frags := fragmentsOf(TypeClientHello, 0, body, 100, 500, 1175)
	// Overlapping fragments, as a retransmission with another MTU makes.
	frags = append(frags, fragmentsOf(TypeClientHello, 0, body, 50, 700)...)
	frags = append(frags, frags[1]) // an exact duplicate
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		rng.Shuffle(len(frags), func(i, j int) { frags[i], frags[j] = frags[j], frags[i] })
		rs := newReassembler()
		var got *HandshakeMessage
		for i := range frags {
			if _, err := rs.push(&frags[i], 0); err != nil {
				t.Fatal(err)
			}
			if m, ok := rs.pop(); ok {
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
	m := func(seq uint16, n int) HandshakeFragment {
		return fragmentsOf(TypeCertificate, seq, make([]byte, n))[0]
	}
	// The first fragment sets next=1 (anySeq); then 3 arrives before 2.
	f1, f2, f3 := m(1, 10), m(2, 20), m(3, 30)
	rs.push(&f1, 0)
	if _, ok := rs.pop(); !ok {
		t.Fatal("seq 1 not delivered")
	}
	rs.push(&f3, 0)
	rs.push(&f2, 0)
	if m, ok := rs.pop(); !ok || m.MessageSeq != 2 {
		t.Fatal("seq 2 not delivered first")
	}
	if m, ok := rs.pop(); !ok || m.MessageSeq != 3 {
		t.Fatal("seq 3 not delivered second")
	}
	if old, _ := rs.push(&f2, 0); !old {
		t.Error("a fragment of a delivered message is not reported as a retransmission")
	}
	far := m(4+reassemblyWindow, 5)
	if _, err := rs.push(&far, 0); err == nil {
		t.Error("message far ahead buffered")
	}
	// Disagreeing fragments of one message are refused.
	a, b := m(4, 10), m(4, 11)
	rs.push(&a, 0)
	if _, err := rs.push(&b, 0); err == nil {
		t.Error("fragment with another length accepted")
	}
}

func TestReassemblyMemoryCaps(t *testing.T) {
	rs := newReassembler()
	huge := HandshakeFragment{Header: HandshakeHeader{Type: TypeCertificate, Length: maxHandshakeMessageLen + 1, FragmentLength: 1}, Data: []byte{0}}
	if _, err := rs.push(&huge, 0); err == nil {
		t.Error("message over 64 KiB accepted")
	}
	// Each message is at most 64 KiB; several of them hit the total cap.
	rs = newReassembler()
	var err error
	for seq := uint16(0); seq < reassemblyWindow && err == nil; seq++ {
		f := HandshakeFragment{Header: HandshakeHeader{Type: TypeCertificate, Length: maxHandshakeMessageLen, MessageSeq: seq + 1, FragmentLength: 1}, Data: []byte{0}}
		if seq == 0 {
			f.Header.MessageSeq = 0
			f.Header.Length = 1
		}
		_, err = rs.push(&f, 0)
	}
	if err == nil || rs.buffered > maxBufferedBytes {
		t.Errorf("buffered %d bytes without error (cap %d)", rs.buffered, maxBufferedBytes)
	}
}
