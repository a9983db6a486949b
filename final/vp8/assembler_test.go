package vp8

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// A stream for the tests: a keyframe of 3 packets, then interframes of
// 2 packets, from a sender whose sequence numbers start at seq.
func stream(t *testing.T, seq uint16) (s *sender, key, inter []byte) {
	s = newSender(seq, 376022552)
	return s, testFrame(t, true, 640, 480, 3421, 1), testFrame(t, false, 0, 0, 2000, 2)
}

// expect checks the frames passed on (by timestamp and keyframe flag)
// and the errors returned, in order.
func expect(t *testing.T, frames []Frame, errs []error, wantTS []uint32, wantErrs ...error) {
	t.Helper()
	var ts []uint32
	for _, f := range frames {
		ts = append(ts, f.Timestamp)
	}
	if !slices.Equal(ts, wantTS) {
		t.Errorf("frames at %v, want %v", ts, wantTS)
	}
	if len(errs) != len(wantErrs) {
		t.Fatalf("errors %v, want %v", errs, wantErrs)
	}
	for i := range errs {
		if !errors.Is(errs[i], wantErrs[i]) {
			t.Errorf("error %d: %v, want %v", i, errs[i], wantErrs[i])
		}
	}
}

func TestAssemblerCompleteFrames(t *testing.T) {
	s, key, inter := stream(t, 100)
	k := s.frame(key)
	i1 := s.frame(inter)
	i2 := s.frame(inter)
	if len(k) != 4 || len(i1) != 2 {
		t.Fatalf("test stream: %d and %d packets", len(k), len(i1))
	}
	a := NewAssembler()
	if !a.NeedKeyframe() {
		t.Error("a new Assembler must wait for a keyframe")
	}
	frames, errs := feed(a, concat(k, i1, i2))
	expect(t, frames, errs, []uint32{k[0].ts, i1[0].ts, i2[0].ts})
	if a.NeedKeyframe() {
		t.Error("NeedKeyframe after a keyframe")
	}
	f := frames[0]
	if !f.Keyframe || f.Width != 640 || f.Height != 480 || f.Packets != 4 || f.Resized || !bytes.Equal(f.Data, key) {
		t.Errorf("keyframe: %+v", f.Header)
	}
	if f.Descriptor.PictureID != 19294 || !f.Descriptor.BeginsFrame() {
		t.Errorf("first descriptor %v", f.Descriptor.String())
	}
	f = frames[1]
	if f.Keyframe || f.Width != 640 || f.Height != 480 || f.Packets != 2 || !bytes.Equal(f.Data, inter) || f.Header.Width != 0 {
		t.Errorf("interframe: %+v %dx%d", f.Header, f.Width, f.Height)
	}
	st := a.Stats()
	if st.Packets != 8 || st.Frames != 3 || st.Keyframes != 1 || st.Bytes != 3421+4000 || st.PacketsDiscarded != 0 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerWaitsForKeyframe: a stream joined at an interframe passes
// nothing until its keyframe.
func TestAssemblerWaitsForKeyframe(t *testing.T) {
	s, key, inter := stream(t, 100)
	i1, i2, k, i3 := s.frame(inter), s.frame(inter), s.frame(key), s.frame(inter)
	a := NewAssembler()
	frames, errs := feed(a, concat(i1, i2, k, i3))
	expect(t, frames, errs, []uint32{k[0].ts, i3[0].ts}, ErrNeedKeyframe, ErrNeedKeyframe)
	if st := a.Stats(); st.Dropped[ErrNeedKeyframe] != 2 || st.PacketsDiscarded != 4 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerJoinMidFrame: the first packet seen is the middle of a
// frame.
func TestAssemblerJoinMidFrame(t *testing.T) {
	s, key, _ := stream(t, 100)
	k1, k2 := s.frame(key), s.frame(key)
	frames, errs := feed(NewAssembler(), concat(k1[1:], k2))
	expect(t, frames, errs, []uint32{k2[0].ts}, ErrNoStart)
}

func TestAssemblerLostFirstPacket(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1, k2 := s.frame(key), s.frame(inter), s.frame(key)
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, without(i1, 0), k2))
	// The gap is found at i1's second packet, which is not a first
	// packet either: one loss, reported as the cause.
	expect(t, frames, errs, []uint32{k1[0].ts, k2[0].ts}, ErrPacketsLost)
	st := a.Stats()
	if st.Dropped[ErrPacketsLost] != 1 || st.PacketsDiscarded != 1 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerLostFirstPacketOfKeyframe: the lost packet is the
// keyframe's first; its other packets are discarded quietly.
func TestAssemblerLostFirstPacketOfKeyframe(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, k2, i1, k3 := s.frame(key), s.frame(key), s.frame(inter), s.frame(key)
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, without(k2, 0), i1, k3))
	expect(t, frames, errs, []uint32{k1[0].ts, k3[0].ts}, ErrPacketsLost, ErrNeedKeyframe)
	if st := a.Stats(); st.PacketsDiscarded != 3+2 {
		t.Errorf("stats %v", st)
	}
}

func TestAssemblerLostMiddlePacket(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, k2, i1, k3, i2 := s.frame(key), s.frame(key), s.frame(inter), s.frame(key), s.frame(inter)
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, without(k2, 1), i1, k3, i2))
	expect(t, frames, errs, []uint32{k1[0].ts, k3[0].ts, i2[0].ts}, ErrPacketsLost, ErrNeedKeyframe)
	if st := a.Stats(); st.PacketsDiscarded != 3+2 || st.Dropped[ErrPacketsLost] != 1 {
		t.Errorf("stats %v", st)
	}
}

func TestAssemblerLostMarkerPacket(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1, i2, k2 := s.frame(key), s.frame(inter), s.frame(inter), s.frame(key)
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, without(i1, 1), i2, k2))
	expect(t, frames, errs, []uint32{k1[0].ts, k2[0].ts}, ErrPacketsLost, ErrNeedKeyframe)
	if a.NeedKeyframe() {
		t.Error("NeedKeyframe after the second keyframe")
	}
}

// TestAssemblerTimestampChangeWithoutMarker: no sequence number is
// missing, but the frame's last packet has no marker: the sender's frame
// is broken and is discarded when the next timestamp arrives.
func TestAssemblerTimestampChangeWithoutMarker(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1, i2, k2 := s.frame(key), s.frame(inter), s.frame(inter), s.frame(key)
	i1[1].marker = false
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, i1, i2, k2))
	expect(t, frames, errs, []uint32{k1[0].ts, k2[0].ts}, ErrNoMarker, ErrNeedKeyframe)
	if st := a.Stats(); st.Dropped[ErrNoMarker] != 1 || st.PacketsDiscarded != 2+2 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerTimestampChangeMidFrame: a packet with a new timestamp
// that does not begin a frame, right after (no gap) a frame without its
// marker: neither is a frame, and nothing is mixed from the two.
func TestAssemblerTimestampChangeMidFrame(t *testing.T) {
	s, key, _ := stream(t, 100)
	k1, k2, k3 := s.frame(key), s.frame(key), s.frame(key)
	pkts := concat(k1, k2[:2], k3[1:]) // k2 without its end, k3 without its start
	for i := range pkts {
		pkts[i].seq = uint16(100 + i)
	}
	a := NewAssembler()
	frames, errs := feed(a, pkts)
	expect(t, frames, errs, []uint32{k1[0].ts}, ErrNoMarker)
	if st := a.Stats(); st.Dropped[ErrNoStart] != 1 || st.PacketsDiscarded != 2+3 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerSkipEndsAtMarker: the packets of a frame being skipped
// end with its marker; a frame after it with the same timestamp (a
// sender may repeat one) is assembled.
func TestAssemblerSkipEndsAtMarker(t *testing.T) {
	s, key, _ := stream(t, 100)
	k1, k2 := s.frame(key), s.frame(key)
	k3 := s.frame(testFrame(t, true, 320, 240, 3000, 5))
	for i := range k3 {
		k3[i].ts = k2[0].ts
	}
	a := NewAssembler()
	feed(a, concat(k1, k2[:1]))
	a.Lost()
	frames, errs := feed(a, concat(k2[1:], k3))
	expect(t, frames, errs, []uint32{k2[0].ts})
	if len(frames) == 1 && frames[0].Width != 320 {
		t.Errorf("passed on %dx%d", frames[0].Width, frames[0].Height)
	}
}

// TestAssemblerNoMarkerThenSinglePacketKeyframe: the packet that shows
// the previous frame incomplete is itself a whole keyframe: Push returns
// both the frame and the reason for the discard.
func TestAssemblerNoMarkerThenSinglePacketKeyframe(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1 := s.frame(key), s.frame(inter)
	i1[1].marker = false
	small := s.frame(testFrame(t, true, 320, 240, 500, 3))
	if len(small) != 1 {
		t.Fatal("want a single-packet keyframe")
	}
	a := NewAssembler()
	feed(a, concat(k1, i1))
	f, err := a.Push(small[0].seq, small[0].ts, small[0].marker, small[0].payload)
	if !errors.Is(err, ErrNoMarker) || f == nil || !f.Keyframe || f.Width != 320 || !f.Resized {
		t.Fatalf("f=%v err=%v", f, err)
	}
}

// TestAssemblerSecondStartSameTimestamp: S=1 PID=0 again within one
// timestamp, without a marker in between.
func TestAssemblerSecondStartSameTimestamp(t *testing.T) {
	s, key, _ := stream(t, 100)
	k1 := s.frame(key)
	k1[1].marker = false
	k2 := s.frame(key)
	for i := range k2 {
		k2[i].ts, k2[i].seq = k1[0].ts, k1[1].seq+1+uint16(i)
	}
	frames, errs := feed(NewAssembler(), concat(k1[:2], k2))
	expect(t, frames, errs, []uint32{k1[0].ts}, ErrNoMarker)
	if len(frames) == 1 && !bytes.Equal(frames[0].Data, key) {
		t.Error("second frame data")
	}
}

func TestAssemblerDuplicate(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1 := s.frame(key), s.frame(inter)
	pkts := concat(k1[:2], k1[1:2], k1[2:], k1[3:], i1)
	a := NewAssembler()
	frames, errs := feed(a, pkts)
	expect(t, frames, errs, []uint32{k1[0].ts, i1[0].ts}, ErrDuplicate, ErrDuplicate)
	if !bytes.Equal(frames[0].Data, key) {
		t.Error("keyframe data changed by a duplicate")
	}
	if st := a.Stats(); st.Dropped[ErrDuplicate] != 2 || st.PacketsDiscarded != 0 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerLate: a packet from before the previous one (the receiver
// should have caught it) changes nothing.
func TestAssemblerLate(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1 := s.frame(key), s.frame(inter)
	pkts := concat(k1[:3], k1[:1], k1[3:], i1)
	frames, errs := feed(NewAssembler(), pkts)
	expect(t, frames, errs, []uint32{k1[0].ts, i1[0].ts}, ErrLate)
}

func TestAssemblerSequenceWrapInsideFrame(t *testing.T) {
	for _, start := range []uint16{65533, 65534, 65535, 0} {
		t.Run(fmt.Sprint(start), func(t *testing.T) {
			s, key, inter := stream(t, start)
			k1, i1 := s.frame(key), s.frame(inter)
			frames, errs := feed(NewAssembler(), concat(k1, i1))
			expect(t, frames, errs, []uint32{k1[0].ts, i1[0].ts})
			if len(frames) == 2 && !bytes.Equal(frames[0].Data, key) {
				t.Error("data")
			}
		})
	}
	// And a loss across the wrap is still a loss.
	s, key, inter := stream(t, 65534)
	k1, i1 := s.frame(key), s.frame(inter) // 65534, 65535, 0, 1 | 2, 3
	frames, errs := feed(NewAssembler(), concat(without(k1, 2), i1))
	expect(t, frames, errs, nil, ErrPacketsLost, ErrNeedKeyframe)
}

// TestAssemblerInterframesSuppressedUntilKeyframe: after a lost frame,
// complete interframes are discarded, and NeedKeyframe says so, until
// the next keyframe.
func TestAssemblerInterframesSuppressedUntilKeyframe(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, lost := s.frame(key), s.frame(inter)
	var after []packet
	for range 5 {
		after = append(after, s.frame(inter)...)
	}
	k2, i := s.frame(key), s.frame(inter)
	a := NewAssembler()
	feed(a, k1)
	feed(a, without(lost, 0, 1))
	if a.NeedKeyframe() {
		t.Fatal("nothing seen missing yet")
	}
	frames, errs := feed(a, after)
	expect(t, frames, errs, nil, ErrPacketsLost, ErrNeedKeyframe, ErrNeedKeyframe, ErrNeedKeyframe, ErrNeedKeyframe, ErrNeedKeyframe)
	if !a.NeedKeyframe() {
		t.Error("NeedKeyframe false while waiting")
	}
	frames, errs = feed(a, concat(k2, i))
	expect(t, frames, errs, []uint32{k2[0].ts, i[0].ts})
	if a.NeedKeyframe() {
		t.Error("NeedKeyframe after the keyframe")
	}
}

// TestAssemblerNonReferenceLoss: losing a frame marked N=1 inside it
// harms nothing after it (RFC 7741 §4.2); a gap that might hold the
// start of another frame does.
func TestAssemblerNonReferenceLoss(t *testing.T) {
	// Packets lost inside an N=1 frame (the gap is followed by the same
	// timestamp), and an N=1 frame without its marker packet: the
	// interframes after them are still passed on.
	s, key, inter := stream(t, 100)
	s.mtu = 700
	k1 := s.frame(key)
	s.nonRef = true
	n1 := s.frame(inter) // 3 packets
	i1 := s.frame(inter)
	s.nonRef = true
	n2 := s.frame(inter)
	n2[len(n2)-1].marker = false
	i2 := s.frame(inter)
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, without(n1, 1), i1, n2, i2))
	expect(t, frames, errs, []uint32{k1[0].ts, i1[0].ts, i2[0].ts}, ErrPacketsLost, ErrNoMarker)
	if a.NeedKeyframe() {
		t.Error("a lost non-reference frame made it wait for a keyframe")
	}

	// The marker packet of an N=1 frame lost: the gap is followed by a
	// new timestamp, so it may have held the start of a frame too.
	s, key, inter = stream(t, 100)
	k1 = s.frame(key)
	s.nonRef = true
	n1 = s.frame(inter) // 2 packets
	i1 = s.frame(inter)
	a = NewAssembler()
	frames, errs = feed(a, concat(k1, without(n1, 1), i1))
	expect(t, frames, errs, []uint32{k1[0].ts}, ErrPacketsLost, ErrNeedKeyframe)
}

func TestAssemblerResolutionChange(t *testing.T) {
	s := newSender(100, 0)
	k1 := s.frame(testFrame(t, true, 320, 240, 900, 1))
	i1 := s.frame(testFrame(t, false, 0, 0, 300, 2))
	k2 := s.frame(testFrame(t, true, 640, 480, 3000, 3))
	i2 := s.frame(testFrame(t, false, 0, 0, 300, 4))
	k3 := s.frame(testFrame(t, true, 640, 480, 3000, 5))
	k4 := s.frame(testFrame(t, true, 1280, 720, 9000, 6))
	frames, errs := feed(NewAssembler(), concat(k1, i1, k2, i2, k3, k4))
	expect(t, frames, errs, []uint32{0, 3000, 6000, 9000, 12000, 15000})
	want := []struct {
		w, h    int
		resized bool
	}{{320, 240, false}, {320, 240, false}, {640, 480, true}, {640, 480, false}, {640, 480, false}, {1280, 720, true}}
	for i, f := range frames {
		if f.Width != want[i].w || f.Height != want[i].h || f.Resized != want[i].resized {
			t.Errorf("frame %d: %dx%d resized=%v, want %+v", i, f.Width, f.Height, f.Resized, want[i])
		}
	}
}

// TestAssemblerLost: the receiver gives up on packets.
func TestAssemblerLost(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, k2, i1, k3 := s.frame(key), s.frame(key), s.frame(inter), s.frame(key)
	a := NewAssembler()
	feed(a, concat(k1, k2[:1]))
	a.Lost() // k2[1] will not come
	if !a.NeedKeyframe() {
		t.Error("NeedKeyframe false after Lost")
	}
	// The rest of k2 is skipped; the sequence numbers resume anywhere.
	rest := concat(k2[2:], i1, k3)
	for i := range rest {
		rest[i].seq += 1000
	}
	frames, errs := feed(a, rest)
	expect(t, frames, errs, []uint32{k3[0].ts}, ErrNeedKeyframe)
	st := a.Stats()
	if st.Dropped[ErrPacketsLost] != 1 || st.PacketsDiscarded != 1+2+2 {
		t.Errorf("stats %v", st)
	}

	// Between frames.
	s, key, inter = stream(t, 100)
	k1, i1, k2 = s.frame(key), s.frame(inter), s.frame(key)
	a = NewAssembler()
	feed(a, k1)
	a.Lost()
	frames, errs = feed(a, concat(i1, k2))
	expect(t, frames, errs, []uint32{k2[0].ts}, ErrNeedKeyframe)
}

func TestAssemblerReset(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1 := s.frame(key), s.frame(inter)
	a := NewAssembler()
	feed(a, concat(k1, i1[:1]))
	a.Reset()
	if !a.NeedKeyframe() {
		t.Error("NeedKeyframe false after Reset")
	}
	s2 := newSender(7, 0) // a new stream starting over
	i2, k2 := s2.frame(inter), s2.frame(testFrame(t, true, 320, 240, 900, 1))
	frames, errs := feed(a, concat(i2, k2))
	expect(t, frames, errs, []uint32{3000}, ErrNeedKeyframe)
	if frames[0].Resized {
		t.Error("Resized on the first keyframe after Reset")
	}
}

func TestAssemblerLimits(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1, k2 := s.frame(key), s.frame(inter), s.frame(key)
	a := NewAssembler()
	a.MaxFrameSize = 3000 // the keyframes are 3421 bytes
	frames, errs := feed(a, concat(k1, i1, k2))
	expect(t, frames, errs, nil, ErrFrameTooLarge, ErrNeedKeyframe, ErrFrameTooLarge)
	if st := a.Stats(); st.PacketsDiscarded != 10 {
		t.Errorf("stats %v", st)
	}

	a = NewAssembler()
	a.MaxFramePackets = 3 // the keyframes have 4 packets
	frames, errs = feed(a, concat(k1, i1, k2))
	expect(t, frames, errs, nil, ErrTooManyPackets, ErrNeedKeyframe, ErrTooManyPackets)

	a = NewAssembler()
	a.MaxFramePackets = 4
	a.MaxFrameSize = 3421 // exactly
	frames, errs = feed(a, concat(k1, i1, k2))
	expect(t, frames, errs, []uint32{k1[0].ts, i1[0].ts, k2[0].ts})

	// A sender that never sets the marker: the buffer stays bounded.
	a = NewAssembler()
	a.MaxFrameSize = 64 << 10
	s = newSender(0, 0)
	first := s.frame(key)[:1]
	feed(a, first)
	body := append([]byte{0x00}, make([]byte, 1200)...) // S=0 continuation
	for i := range 1000 {
		a.Push(uint16(i+1), 0, false, body)
	}
	if cap(a.buf) > 2*a.MaxFrameSize {
		t.Errorf("buffer grew to %d", cap(a.buf))
	}
	if st := a.Stats(); st.Dropped[ErrFrameTooLarge] != 1 {
		t.Errorf("stats %v", st)
	}
}

func TestAssemblerMalformed(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1, i1, k2 := s.frame(key), s.frame(inter), s.frame(key)
	i1[1].payload = []byte{0x80} // X=1 and nothing after it
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, i1, k2))
	expect(t, frames, errs, []uint32{k1[0].ts, k2[0].ts}, ErrTooShort)
	if st := a.Stats(); st.Dropped[ErrTooShort] != 1 || st.PacketsDiscarded != 2 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerBadFrames: frames complete at the RTP level whose payload
// header says they cannot be decoded are treated as lost.
func TestAssemblerBadFrames(t *testing.T) {
	bad := func(mutate func([]byte) []byte) []byte {
		return mutate(testFrame(t, true, 640, 480, 3421, 1))
	}
	for _, c := range []struct {
		name  string
		frame []byte
		want  error
	}{
		{"start code", bad(func(b []byte) []byte { b[5] = 0; return b }), ErrStartCode},
		{"zero width", bad(func(b []byte) []byte { b[6], b[7] = 0, 0; return b }), ErrZeroSize},
		{"partition beyond the frame", bad(func(b []byte) []byte { return b[:10+(3421-10)/2-1] }), ErrPartitionSize},
		{"two bytes", []byte{0x90, 0x9a}, ErrPayloadHeader},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, key, inter := stream(t, 100)
			k1, b, i1, k2 := s.frame(key), s.frame(c.frame), s.frame(inter), s.frame(key)
			frames, errs := feed(NewAssembler(), concat(k1, b, i1, k2))
			expect(t, frames, errs, []uint32{k1[0].ts, k2[0].ts}, c.want, ErrNeedKeyframe)
		})
	}
}

// TestAssemblerPadding: empty payloads (padding-only packets) keep the
// sequence numbers continuous, between frames and inside one.
func TestAssemblerPadding(t *testing.T) {
	s, key, inter := stream(t, 100)
	k1 := s.frame(key)
	s.seq++ // a padding packet between frames
	i1 := s.frame(inter)
	pad := packet{seq: k1[3].seq + 1, ts: k1[0].ts}
	// One inside i2, between its two packets.
	i2 := s.frame(inter)
	i2[1].seq++
	pad2 := packet{seq: i2[0].seq + 1, ts: i2[0].ts}
	a := NewAssembler()
	frames, errs := feed(a, concat(k1, []packet{pad}, i1, i2[:1], []packet{pad2}, i2[1:]))
	expect(t, frames, errs, []uint32{k1[0].ts, i1[0].ts, i2[0].ts})
	if len(frames) == 3 && !bytes.Equal(frames[2].Data, inter) {
		t.Error("data")
	}
	if st := a.Stats(); st.Padding != 2 {
		t.Errorf("stats %v", st)
	}
}

// TestAssemblerPartitions: packets that start later partitions (S=1,
// PID>0, RFC 7741 §4.6.3) are part of the frame.
func TestAssemblerPartitions(t *testing.T) {
	frame := testFrame(t, true, 176, 144, 2500, 9)
	var pkts []packet
	for i, cut := range [][2]int{{0, 1000}, {1000, 1500}, {1500, 2000}, {2000, 2500}} {
		d := Descriptor{Start: i != 2, PartitionID: uint8(i)}
		p, _ := d.Marshal()
		pkts = append(pkts, packet{seq: uint16(10 + i), ts: 90, marker: i == 3, payload: append(p, frame[cut[0]:cut[1]]...)})
	}
	frames, errs := feed(NewAssembler(), pkts)
	expect(t, frames, errs, []uint32{90})
	if len(frames) == 1 && !bytes.Equal(frames[0].Data, frame) {
		t.Error("data")
	}
}

// TestAssemblerFrameValidUntilNextCall documents the reuse of the
// buffer: the Data of one frame is overwritten by the next.
func TestAssemblerFrameValidUntilNextCall(t *testing.T) {
	s, key, _ := stream(t, 100)
	k1, k2 := s.frame(key), s.frame(testFrame(t, true, 640, 480, 3421, 77))
	a := NewAssembler()
	var f1 *Frame
	for _, p := range k1 {
		if f, _ := a.Push(p.seq, p.ts, p.marker, p.payload); f != nil {
			f1 = f
		}
	}
	data := f1.Data
	want := bytes.Clone(data)
	for _, p := range k2 {
		a.Push(p.seq, p.ts, p.marker, p.payload)
	}
	if bytes.Equal(data, want) {
		t.Error("expected the buffer to be reused (test of the documented behaviour)")
	}
}

func TestAssemblerZeroValue(t *testing.T) {
	s, key, _ := stream(t, 100)
	var a Assembler
	frames, errs := feed(&a, s.frame(key))
	expect(t, frames, errs, []uint32{376022552})
}

func TestAssemblerAllocs(t *testing.T) {
	s, key, inter := stream(t, 100)
	var pkts []packet
	pkts = append(pkts, s.frame(key)...)
	for range 20 {
		pkts = append(pkts, s.frame(inter)...)
	}
	a := NewAssembler()
	feed(a, pkts) // warm up: the buffer grows to the largest frame
	allocs := testing.AllocsPerRun(10, func() {
		for i := range pkts { // the same packets again, later
			pkts[i].seq += uint16(len(pkts))
			pkts[i].ts += 63000
		}
		for _, p := range pkts {
			if _, err := a.Push(p.seq, p.ts, p.marker, p.payload); err != nil {
				panic(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run of %d packets", allocs, len(pkts))
	}
	// Refusals allocate nothing either.
	seq := uint16(0)
	allocs = testing.AllocsPerRun(100, func() {
		a.Push(seq, 0, false, []byte{0x80})         // too short
		a.Push(seq, 0, false, []byte{0x80})         // duplicate
		a.Push(seq+2, 0, false, []byte{0x00, 1, 2}) // gap, no start
		seq += 3
	})
	if allocs != 0 {
		t.Errorf("%v allocations per refused packet pair", allocs)
	}
}

func TestStatsString(t *testing.T) {
	var s Stats
	s.Packets, s.Frames, s.Keyframes, s.Bytes = 230, 21, 4, 452310
	if got, want := s.String(), "packets 230, frames 21 (keyframes 4), 452310 bytes"; got != want {
		t.Errorf("%q", got)
	}
	s.Dropped[ErrPacketsLost], s.Dropped[ErrNeedKeyframe], s.PacketsDiscarded, s.Padding = 1, 3, 12, 2
	if got, want := s.String(), "packets 230, frames 21 (keyframes 4), 452310 bytes, padding 2, dropped packets_lost=1 need_keyframe=3 (12 packets)"; got != want {
		t.Errorf("%q", got)
	}
}

func TestErrorText(t *testing.T) {
	for e := Error(1); e < numErrors; e++ {
		if errorText[e] == "" || errorName[e] == "" {
			t.Errorf("error %d has no text or name", e)
		}
	}
	if ErrNoMarker.Error() != "vp8: frame without its marker packet discarded" || ErrNoMarker.Name() != "no_marker" {
		t.Error(ErrNoMarker.Error())
	}
	if Error(0).Error() != "vp8: error 0" || Error(200).Name() != "error_200" {
		t.Error("unknown errors")
	}
}
