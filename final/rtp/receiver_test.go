package rtp

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"nutsandbolts/final/rtcp"
)

const testSSRC = 0x5bd77af8

var t0 = time.Date(2026, 11, 21, 21, 39, 13, 0, time.UTC)

// testPacket is a video packet with sequence number seq: one-byte
// extension like Chromium's, a payload that names the number.
func testPacket(seq uint16, ts uint32) *Packet {
	return &Packet{
		Header: Header{
			PayloadType: 96, SequenceNumber: seq, Timestamp: ts, SSRC: testSSRC,
			Extension: true, ExtensionProfile: ExtensionProfileOneByte,
			Extensions: []Extension{{ID: 4, Data: []byte{byte(seq >> 8), byte(seq)}}},
		},
		Payload: []byte(fmt.Sprintf("payload %d", seq)),
	}
}

// harness drives a receiver on a fake clock and records what Poll gives.
type harness struct {
	t    *testing.T
	r    *Receiver
	now  time.Time
	got  []uint16 // delivered sequence numbers
	lost []int    // Poll's lost for each
}

// newHarness starts a receiver for testSSRC. Unless the test is about
// it, the start is not held back (StartDelay), so that the first packets
// are delivered at once.
func newHarness(t *testing.T, cfg ReceiverConfig) *harness {
	cfg.SSRC = testSSRC
	if cfg.StartDelay == 0 {
		cfg.StartDelay = -1
	}
	return &harness{t: t, r: NewReceiver(cfg), now: t0}
}

// at sets the clock to t0+d.
func (h *harness) at(d time.Duration) *harness {
	h.now = t0.Add(d)
	return h
}

// push pushes packets (timestamp 90 per number) and polls after each.
func (h *harness) push(seqs ...uint16) error {
	h.t.Helper()
	var last error
	for _, s := range seqs {
		b, err := testPacket(s, uint32(s)*90).Marshal()
		if err != nil {
			h.t.Fatal(err)
		}
		last = h.r.Push(h.now, b)
		h.poll()
	}
	return last
}

func (h *harness) poll() {
	h.t.Helper()
	for {
		p, lost := h.r.Poll()
		if p == nil {
			return
		}
		if want := fmt.Sprintf("payload %d", p.SequenceNumber); string(p.Payload) != want {
			h.t.Errorf("packet %d carries %q", p.SequenceNumber, p.Payload)
		}
		h.got = append(h.got, p.SequenceNumber)
		h.lost = append(h.lost, lost)
	}
}

// expect checks the delivered numbers and the losses reported with them,
// then forgets them.
func (h *harness) expect(seqs []uint16, lost []int) {
	h.t.Helper()
	if lost == nil {
		lost = make([]int, len(seqs))
	}
	if !reflect.DeepEqual(h.got, seqs) && !(len(h.got) == 0 && len(seqs) == 0) {
		h.t.Errorf("delivered %v, want %v", h.got, seqs)
	} else if !reflect.DeepEqual(h.lost, lost) && len(lost) > 0 {
		h.t.Errorf("lost %v, want %v", h.lost, lost)
	}
	h.got, h.lost = nil, nil
}

func (h *harness) nacks() []uint16 { return h.r.AppendNACKs(nil, h.now) }

func seqRange(from, to uint16) []uint16 {
	var s []uint16
	for x := from; ; x++ {
		s = append(s, x)
		if x == to {
			return s
		}
	}
}

func TestReceiverInOrder(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(seqRange(100, 109)...)
	h.expect(seqRange(100, 109), nil)
	if !h.r.NextDeadline().IsZero() || len(h.nacks()) != 0 {
		t.Error("deadline or NACKs without loss")
	}
	if p, b := h.r.Buffered(); p != 0 || b != 0 {
		t.Errorf("buffered %d packets %d bytes after delivery", p, b)
	}
	st := h.r.Stats()
	if st.Received != 10 || st.Delivered != 10 || st.Lost != 0 {
		t.Errorf("stats %v", st)
	}
}

// TestReceiverReorder: a packet overtaken within the buffer holds the
// ones behind it back and is delivered in its place, without a NACK.
func TestReceiverReorder(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(100, 101, 103, 104)
	h.expect([]uint16{100, 101}, nil)
	if d := h.r.NextDeadline(); !d.Equal(t0.Add(DefaultNACKDelay)) {
		t.Errorf("deadline %v, want the first NACK at +10ms", d.Sub(t0))
	}
	if n := h.nacks(); len(n) != 0 {
		t.Errorf("NACK %v before NACKDelay", n)
	}
	h.at(5 * time.Millisecond).push(102)
	h.expect([]uint16{102, 103, 104}, nil)
	h.push(105)
	h.expect([]uint16{105}, nil)
	if st := h.r.Stats(); st.Reordered != 1 || st.NACKed != 0 || st.Recovered != 0 {
		t.Errorf("stats %v", st)
	}
	if !h.r.NextDeadline().IsZero() {
		t.Error("deadline left after the gap filled")
	}
}

// TestReceiverNACKRecovery: loss → NACK → retransmission → in order.
func TestReceiverNACKRecovery(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(100, 101, 103, 104, 106)
	h.expect([]uint16{100, 101}, nil)
	h.at(10 * time.Millisecond)
	if n := h.nacks(); !reflect.DeepEqual(n, []uint16{102, 105}) {
		t.Fatalf("NACKs %v, want [102 105]", n)
	}
	if n := h.nacks(); len(n) != 0 {
		t.Errorf("NACKed again at once: %v", n)
	}
	// The packets go out in one generic NACK.
	nack := rtcp.NewNACK(1, testSSRC, []uint16{102, 105})
	if len(nack.Pairs) != 1 || nack.Pairs[0] != (rtcp.NACKPair{PacketID: 102, LostPackets: 1 << 2}) {
		t.Errorf("NACK pairs %v", nack.Pairs)
	}
	h.at(30 * time.Millisecond).push(102)
	h.expect([]uint16{102, 103, 104}, nil)
	h.at(31 * time.Millisecond).push(105)
	h.expect([]uint16{105, 106}, nil)
	st := h.r.Stats()
	if st.Recovered != 2 || st.NACKed != 2 || st.Lost != 0 {
		t.Errorf("stats %v", st)
	}
	// RTT samples 20 ms, then 21 ms: 20 + (21-20)/8.
	if rtt := h.r.RTT(); rtt != 20*time.Millisecond+time.Millisecond/8 {
		t.Errorf("RTT %v", rtt)
	}
}

// TestReceiverGiveUp: a loss that NACKs do not repair is given up after
// the last NACK's interval; the packet after it reports the loss.
func TestReceiverGiveUp(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(100, 101, 103, 104)
	h.expect([]uint16{100, 101}, nil)
	var nackTimes []time.Duration
	for ms := time.Duration(0); ms <= 300; ms++ {
		h.at(ms * time.Millisecond)
		if n := h.nacks(); len(n) > 0 {
			if !reflect.DeepEqual(n, []uint16{102}) {
				t.Fatalf("NACKs %v", n)
			}
			nackTimes = append(nackTimes, ms)
		}
		h.r.HandleTimeout(h.now)
		h.poll()
		if len(h.got) > 0 {
			break
		}
	}
	// First NACK after NACKDelay, then every NACKInterval, three in all;
	// given up minRetransmitWait (100 ms, more than the 50 ms interval)
	// after the third.
	if want := []time.Duration{10, 60, 110}; !reflect.DeepEqual(nackTimes, want) {
		t.Errorf("NACKs at %v ms, want %v", nackTimes, want)
	}
	if h.now.Sub(t0) != 210*time.Millisecond {
		t.Errorf("given up at %v, want 210ms", h.now.Sub(t0))
	}
	h.expect([]uint16{103, 104}, []int{1, 0})
	if err := h.push(102); !errors.Is(err, ErrTooLate) {
		t.Errorf("late retransmission: %v, want ErrTooLate", err)
	}
	st := h.r.Stats()
	if st.Lost != 1 || st.LossEvents != 1 || st.NACKed != 3 || st.Late != 1 {
		t.Errorf("stats %v", st)
	}
}

// TestReceiverGiveUpMaxDelay: without NACK, a gap waits MaxDelay.
func TestReceiverGiveUpMaxDelay(t *testing.T) {
	h := newHarness(t, ReceiverConfig{DisableNACK: true})
	h.push(1, 3)
	if d := h.r.NextDeadline(); !d.Equal(t0.Add(DefaultMaxDelay)) {
		t.Errorf("deadline %v, want +250ms", d.Sub(t0))
	}
	h.at(249 * time.Millisecond)
	h.r.HandleTimeout(h.now)
	if len(h.nacks()) != 0 {
		t.Error("NACK with NACK disabled")
	}
	h.poll()
	h.expect([]uint16{1}, nil)
	h.at(250 * time.Millisecond)
	h.r.HandleTimeout(h.now)
	h.poll()
	h.expect([]uint16{3}, []int{1})
}

// TestReceiverAbandonedThenArrives: a packet that arrives after its gap
// was given up but before Poll passed it is still delivered.
func TestReceiverAbandonedThenArrives(t *testing.T) {
	h := newHarness(t, ReceiverConfig{DisableNACK: true})
	h.push(1, 3)
	h.expect([]uint16{1}, nil)
	h.at(time.Second)
	h.r.HandleTimeout(h.now)
	if err := h.r.PushPacket(h.now, testPacket(2, 180)); err != nil {
		t.Fatal(err)
	}
	h.poll()
	h.expect([]uint16{2, 3}, nil)
}

func TestReceiverDuplicates(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(10, 11)
	if err := h.push(11); !errors.Is(err, ErrDuplicate) {
		t.Errorf("delivered duplicate: %v", err)
	}
	h.push(13)
	if err := h.push(13); !errors.Is(err, ErrDuplicate) {
		t.Errorf("buffered duplicate: %v", err)
	}
	h.push(12)
	if err := h.push(10); !errors.Is(err, ErrDuplicate) {
		t.Errorf("old duplicate: %v", err)
	}
	h.expect([]uint16{10, 11, 12, 13}, nil)
	if st := h.r.Stats(); st.Duplicates != 3 || st.Received != 7 {
		t.Errorf("stats %v", st)
	}
	// RFC 3550 §6.4.1: duplicates count as received, so the loss is negative.
	if rr := h.r.Report(h.now); rr.CumulativeLost != -3 || rr.FractionLost != 0 {
		t.Errorf("report %v", rr)
	}
}

// TestReceiverWrap: the sequence number wraps in the middle of the
// stream, with reordering and a loss across the wrap.
func TestReceiverWrap(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(65532, 65533, 65535, 1, 0)
	h.expect([]uint16{65532, 65533}, nil)
	h.at(10 * time.Millisecond)
	if n := h.nacks(); !reflect.DeepEqual(n, []uint16{65534}) {
		t.Errorf("NACKs %v", n)
	}
	h.push(3)
	h.at(20 * time.Millisecond)
	if n := h.nacks(); !reflect.DeepEqual(n, []uint16{2}) {
		t.Errorf("NACKs %v", n)
	}
	h.push(65534, 2)
	h.expect([]uint16{65534, 65535, 0, 1, 2, 3}, nil)
	rr := h.r.Report(h.now)
	if rr.ExtendedHighestSeq != 1<<16|3 || rr.CumulativeLost != 0 {
		t.Errorf("report %v, want highest 0x00010003", rr)
	}
	nack := rtcp.NewNACK(1, testSSRC, []uint16{65534, 65535, 0, 1})
	if len(nack.Pairs) != 1 || nack.Pairs[0] != (rtcp.NACKPair{PacketID: 65534, LostPackets: 0b111}) {
		t.Errorf("NACK across the wrap: %v", nack.Pairs)
	}
}

func TestReceiverWrongSSRC(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	p := testPacket(1, 0)
	p.SSRC = 1
	if err := h.r.PushPacket(h.now, p); !errors.Is(err, ErrWrongSSRC) {
		t.Errorf("err %v", err)
	}
	if st := h.r.Stats(); st.WrongSSRC != 1 || st.Received != 0 {
		t.Errorf("stats %v", st)
	}
}

// TestReceiverLargeGap: a gap wider than MaxNACKGap is not asked for.
func TestReceiverLargeGap(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(1, 1+DefaultMaxNACKGap+2)
	h.expect([]uint16{1, 1 + DefaultMaxNACKGap + 2}, []int{0, DefaultMaxNACKGap + 1})
	if n := h.nacks(); len(n) != 0 {
		t.Errorf("NACKed %d numbers", len(n))
	}
	// A gap of exactly MaxNACKGap is.
	h.push(1 + DefaultMaxNACKGap + 2 + DefaultMaxNACKGap + 1)
	h.at(DefaultNACKDelay)
	if n := h.nacks(); len(n) != DefaultMaxNACKGap {
		t.Errorf("NACKed %d numbers, want %d", len(n), DefaultMaxNACKGap)
	}
}

// TestReceiverWindow: a packet further ahead than the window gives up
// what falls out of it; the packets behind the gap are delivered.
func TestReceiverWindow(t *testing.T) {
	h := newHarness(t, ReceiverConfig{MaxPackets: 16})
	h.push(0)
	h.push(seqRange(2, 16)...) // 1 missing: 1..16 fill the window
	h.expect([]uint16{0}, nil)
	h.push(17) // 17 does not fit: 1 is given up
	h.expect(append([]uint16{0}, seqRange(2, 17)...)[1:], append([]int{1}, make([]int, 15)...))
	if st := h.r.Stats(); st.Discarded != 0 || st.Lost != 1 {
		t.Errorf("stats %v", st)
	}
	// Without Poll, the window drops what the caller did not take.
	h2 := newHarness(t, ReceiverConfig{MaxPackets: 16})
	for s := uint16(0); s < 40; s++ {
		if err := h2.r.PushPacket(h2.now, testPacket(s, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if p, _ := h2.r.Buffered(); p != 16 {
		t.Errorf("%d packets buffered, want 16", p)
	}
	h2.poll()
	h2.expect(seqRange(24, 39), append([]int{24}, make([]int, 15)...))
	if st := h2.r.Stats(); st.Discarded != 24 {
		t.Errorf("stats %v", st)
	}
}

// TestReceiverByteLimit: MaxBytes holds; the oldest go first.
func TestReceiverByteLimit(t *testing.T) {
	size := testPacket(1000, 0).MarshalSize()
	h := newHarness(t, ReceiverConfig{MaxBytes: 10 * size})
	h.push(1000)
	h.push(seqRange(1002, 1011)...) // 1001 missing: all wait behind it
	if _, b := h.r.Buffered(); b != 10*size {
		t.Errorf("%d bytes buffered, want %d", b, 10*size)
	}
	h.expect([]uint16{1000}, nil)
	// One more does not fit: the oldest go, the gap at 1001 and then
	// 1002, and the rest can follow.
	h.push(1012)
	h.expect(seqRange(1003, 1012), append([]int{2}, make([]int, 9)...))
	if st := h.r.Stats(); st.Discarded != 1 || st.Lost != 2 {
		t.Errorf("stats %v", st)
	}
	// Without Poll, the byte limit still holds.
	h.push(1013)
	for s := uint16(1015); s < 1100; s++ {
		h.r.PushPacket(h.now, testPacket(s, 0))
		if _, b := h.r.Buffered(); b > 10*size {
			t.Fatalf("%d bytes buffered, limit %d", b, 10*size)
		}
	}
	if err := h.r.PushPacket(h.now, &Packet{Header: Header{SSRC: testSSRC}, Payload: make([]byte, 1500)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("1512-byte packet: %v", err)
	}
}

// TestReceiverRestart: RFC 3550 A.1: a jump is dropped, unless the next
// packet follows it; then the stream starts over.
func TestReceiverRestart(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(100, 101)
	if err := h.push(20000); !errors.Is(err, ErrSequenceJump) {
		t.Fatalf("jump: %v", err)
	}
	h.push(102)
	if err := h.push(30000); !errors.Is(err, ErrSequenceJump) {
		t.Fatalf("jump: %v", err)
	}
	if err := h.push(30001); err != nil {
		t.Fatalf("restart: %v", err)
	}
	h.push(30002)
	h.expect([]uint16{100, 101, 102, 30001, 30002}, []int{0, 0, 0, 1, 0})
	st := h.r.Stats()
	if st.Jumps != 2 || st.Restarts != 1 {
		t.Errorf("stats %v", st)
	}
	// The statistics start over too (A.1 init_seq).
	if rr := h.r.Report(h.now); rr.ExtendedHighestSeq != 30002 || rr.CumulativeLost != 0 {
		t.Errorf("report %v", rr)
	}
}

// TestReceiverCopies: Push copies; the caller may reuse its buffers.
func TestReceiverCopies(t *testing.T) {
	r := NewReceiver(ReceiverConfig{SSRC: testSSRC, StartDelay: -1})
	wire, _ := testPacket(5, 0).Marshal()
	if err := r.Push(t0, wire); err != nil {
		t.Fatal(err)
	}
	clear(wire)
	q, _ := r.Poll()
	if q == nil || string(q.Payload) != "payload 5" || q.Extensions[0].Data[1] != 5 {
		t.Errorf("buffered packet changed: %v", q)
	}
}

// TestReceiverReport checks the RR fields against hand-computed values.
func TestReceiverReport(t *testing.T) {
	h := newHarness(t, ReceiverConfig{DisableNACK: true})
	if rr := h.r.Report(t0); rr != (rtcp.ReceptionReport{SSRC: testSSRC}) {
		t.Errorf("report before any packet: %v", rr)
	}

	// Jitter (A.8). One packet every 10 ms, timestamps 900 apart (10 ms at
	// 90 kHz); packet 2 arrives 2 ms late (180 units), so D = +180 for it
	// and -180 for packet 3:
	//   J = 0 + 180 - ((0+8)>>4)   = 180  → 180>>4 = 11
	//   J = 180 + 180 - ((180+8)>>4) = 349 → 349>>4 = 21
	// then D = 0 and J decays: 349 - ((349+8)>>4) = 327 → 20.
	arrive := []time.Duration{0, 10, 22, 30, 40}
	for i, ms := range arrive {
		if err := h.r.PushPacket(t0.Add(ms*time.Millisecond), testPacket(uint16(i), uint32(i)*900)); err != nil {
			t.Fatal(err)
		}
		if units, _ := h.r.Jitter(); i == 2 && units != 11 || i == 3 && units != 21 || i == 4 && units != 20 {
			t.Errorf("after packet %d: jitter %d", i, units)
		}
	}
	h.poll()

	// Loss (A.3). 5..14 with 8 and 11 never arriving: expected 15,
	// received 13 → cumulative 2; in this first interval fraction
	// (2<<8)/15 = 34.
	for i := uint16(5); i < 15; i++ {
		if i == 8 || i == 11 {
			continue
		}
		h.r.PushPacket(t0.Add(time.Duration(i)*10*time.Millisecond), testPacket(i, uint32(i)*900))
	}
	h.at(10 * time.Second)
	h.r.HandleTimeout(h.now)
	h.poll()

	// LSR, DLSR: RFC 3550 Figure 2's numbers. The SR's NTP timestamp
	// 0xb44db705:20000000 gives LSR 0xb7052000; the report 5.25 s later,
	// DLSR 5.25 × 65536 = 0x00054000.
	srAt := t0.Add(5 * time.Second)
	h.r.HandleSR(srAt, &rtcp.SenderReport{SSRC: testSSRC, NTPTime: 0xb44db705_20000000, PacketCount: 7, OctetCount: 700})
	h.r.HandleSR(srAt, &rtcp.SenderReport{SSRC: 1, NTPTime: 1}) // another source: ignored
	rr := h.r.Report(srAt.Add(5250 * time.Millisecond))
	want := rtcp.ReceptionReport{SSRC: testSSRC, FractionLost: 34, CumulativeLost: 2, ExtendedHighestSeq: 14,
		Jitter: rr.Jitter, LSR: 0xb7052000, DLSR: 0x00054000}
	if rr != want {
		t.Errorf("report\n got %v\nwant %v", rr, want)
	}
	if sr, at, ok := h.r.LastSR(); !ok || !at.Equal(srAt) || sr.PacketCount != 7 {
		t.Errorf("LastSR %v %v %v", sr, at, ok)
	}

	// Next interval: 15..24 all arrive, and 20 twice: expected 10,
	// received 11 → fraction 0 (negative loss), cumulative 2-1 = 1.
	for i := uint16(15); i < 25; i++ {
		h.r.PushPacket(h.now, testPacket(i, uint32(i)*900))
	}
	h.r.PushPacket(h.now, testPacket(20, 20*900))
	rr = h.r.Report(h.now)
	if rr.FractionLost != 0 || rr.CumulativeLost != 1 || rr.ExtendedHighestSeq != 24 {
		t.Errorf("second report %v", rr)
	}
	// An interval with a quarter lost: 25..32 with 26 and 30 missing.
	for _, i := range []uint16{25, 27, 28, 29, 31, 32} {
		h.r.PushPacket(h.now, testPacket(i, uint32(i)*900))
	}
	if rr = h.r.Report(h.now); rr.FractionLost != 64 || rr.CumulativeLost != 3 {
		t.Errorf("third report %v, want fraction 64 (1/4)", rr)
	}
}

// TestReceiverFlood: a flood of arbitrary numbers keeps every limit.
func TestReceiverFlood(t *testing.T) {
	cfg := ReceiverConfig{MaxPackets: 64, MaxBytes: 20000}
	h := newHarness(t, cfg)
	rng := rand.New(rand.NewPCG(1, 2))
	seq := uint16(rng.Uint32())
	for i := range 200000 {
		switch rng.IntN(10) {
		case 0:
			seq += uint16(rng.IntN(5000)) // jumps, some beyond MAX_DROPOUT
		case 1:
			seq -= uint16(rng.IntN(100))
		default:
			seq++
		}
		h.now = h.now.Add(time.Duration(rng.IntN(3)) * time.Millisecond)
		h.r.PushPacket(h.now, testPacket(seq, uint32(i)))
		if i%7 == 0 {
			h.r.AppendNACKs(nil, h.now)
			h.r.HandleTimeout(h.now)
		}
		if i%3 == 0 {
			h.poll()
			h.got, h.lost = nil, nil
		}
		if p, b := h.r.Buffered(); p > 64 || b > 20000 {
			t.Fatalf("packet %d: %d packets, %d bytes buffered", i, p, b)
		}
	}
	t.Log(h.r.Stats())
}

// TestReceiverDelivery checks the promise on random streams: what Poll
// returns follows the previous packet unless lost > 0, and every packet
// pushed once, in any order within the window, is delivered once.
func TestReceiverDelivery(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 50 {
		// Packets arrive up to 20 ms early or late: hold the start for 25.
		h := newHarness(t, ReceiverConfig{StartDelay: 25 * time.Millisecond})
		start := uint16(rng.Uint32())
		n := 2000
		order := make([]uint16, n)
		for i := range order {
			order[i] = start + uint16(i)
		}
		// Each packet arrives up to 20 places early or late.
		key := make(map[uint16]int, n)
		for i, s := range order {
			key[s] = i + rng.IntN(20)
		}
		slices.SortStableFunc(order, func(a, b uint16) int { return key[a] - key[b] })
		for i, s := range order {
			h.at(time.Duration(i) * time.Millisecond)
			if err := h.r.PushPacket(h.now, testPacket(s, uint32(s))); err != nil {
				t.Fatalf("round %d: push %d: %v", round, s, err)
			}
			h.poll()
		}
		h.r.HandleTimeout(h.now.Add(time.Second))
		h.poll()
		if len(h.got) != n {
			t.Fatalf("round %d: delivered %d of %d", round, len(h.got), n)
		}
		for i, s := range h.got {
			if s != start+uint16(i) || h.lost[i] != 0 {
				t.Fatalf("round %d: delivery %d is %d lost %d", round, i, s, h.lost[i])
			}
		}
	}
}

// TestReceiverPollValidUntilPush documents how long a polled packet
// lives: its bytes are reused only when a later number takes its entry.
func TestReceiverPollValidUntilPush(t *testing.T) {
	r := NewReceiver(ReceiverConfig{SSRC: testSSRC, MaxPackets: 4, StartDelay: -1})
	r.PushPacket(t0, testPacket(1, 0))
	p, _ := r.Poll()
	r.PushPacket(t0, testPacket(2, 0))
	r.PushPacket(t0, testPacket(3, 0))
	if !bytes.Equal(p.Payload, []byte("payload 1")) {
		t.Errorf("packet 1 overwritten too early: %q", p.Payload)
	}
}

// TestReceiverStart: the first packet is held back for StartDelay, so a
// packet it overtook is still delivered first.
func TestReceiverStart(t *testing.T) {
	h := newHarness(t, ReceiverConfig{StartDelay: DefaultStartDelay})
	h.push(4213, 4214)
	h.expect(nil, nil)
	if d := h.r.NextDeadline(); !d.Equal(t0.Add(DefaultStartDelay)) {
		t.Errorf("deadline %v, want the end of the hold", d.Sub(t0))
	}
	h.at(2*time.Millisecond).push(4211, 4208)
	h.at(9*time.Millisecond).push(4210, 4209)
	h.expect(nil, nil)
	h.at(DefaultStartDelay)
	h.r.HandleTimeout(h.now)
	h.poll()
	h.expect([]uint16{4208, 4209, 4210, 4211}, nil)
	h.at(12 * time.Millisecond) // 4212 is missing since 4211 arrived, at 2 ms
	if n := h.nacks(); !reflect.DeepEqual(n, []uint16{4212}) {
		t.Errorf("NACKs %v", n)
	}
	h.push(4212)
	h.expect([]uint16{4212, 4213, 4214}, nil)
	if err := h.push(4207); !errors.Is(err, ErrTooLate) {
		t.Errorf("after the start: %v, want ErrTooLate", err)
	}
	// expected 4208..4214 = 7, received 7 (+1 late): the base moved back.
	if rr := h.r.Report(h.now); rr.CumulativeLost != -1 || rr.ExtendedHighestSeq != 4214 {
		t.Errorf("report %v", rr)
	}

	// The hold also ends with a packet that arrives after it.
	h2 := newHarness(t, ReceiverConfig{StartDelay: DefaultStartDelay})
	h2.push(1)
	h2.at(DefaultStartDelay).push(2)
	h2.expect([]uint16{1, 2}, nil)
}

// TestReceiverMalformed: bytes that do not parse change nothing.
func TestReceiverMalformed(t *testing.T) {
	h := newHarness(t, ReceiverConfig{})
	h.push(1)
	good, _ := testPacket(2, 0).Marshal()
	for _, c := range []struct {
		b   []byte
		err error
	}{
		{good[:11], ErrTooShort},
		{append([]byte{0x40}, good[1:]...), ErrVersion},
		{append([]byte{good[0] | 0x20}, append(good[1:len(good)-1:len(good)-1], 0)...), ErrPadding},
		{good[:14], ErrTooShort}, // the extension cut
		{append(good, make([]byte, 1500)...), ErrTooLarge},
	} {
		if err := h.r.Push(h.now, c.b); !errors.Is(err, c.err) {
			t.Errorf("% x...: %v, want %v", c.b[:4], err, c.err)
		}
	}
	if st := h.r.Stats(); st.Received != 1 {
		t.Errorf("stats %v", st)
	}
	h.push(2)
	h.expect([]uint16{1, 2}, nil)
	if ssrc, ok := PeekSSRC(good); !ok || ssrc != testSSRC {
		t.Errorf("PeekSSRC %x %v", ssrc, ok)
	}
	if _, ok := PeekSSRC(good[:11]); ok {
		t.Error("PeekSSRC of 11 bytes")
	}
}
