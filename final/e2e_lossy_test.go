package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nutsandbolts/final/browsertest"
	"nutsandbolts/final/config"
	"nutsandbolts/final/ivf"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/sdp"
)

// The lossy path: Chromium sends its media through a relay on loopback
// that drops and reorders datagrams, both ways. The server must then do
// what a real network asks of it: NACK the missing packets, put the
// retransmissions back in their place, pass on only complete frames, and
// ask for a keyframe when a frame is lost for good.
const (
	lossRate      = 0.05                  // datagrams dropped, each way
	reorderRate   = 0.10                  // datagrams held back, each way ...
	maxHold       = 20 * time.Millisecond // ... by up to this long, so that later ones overtake them
	dupRate       = 0.01                  // datagrams passed on twice, each way
	lossyPackets  = 800                   // RTP packets the server must decrypt before the browser stops
	minMediaDrops = 10                    // fewer dropped RTP packets would test nothing
)

// TestChromiumLossyPath runs Chromium through the lossy relay. Every frame
// in the IVF file must be one whose packets all reached the server, an
// inter frame must follow the frame the browser sent before it (after a
// loss only a keyframe may come next), ffmpeg must decode the file without
// an error, and retransmissions asked for by NACK must repair most of the
// packets the relay dropped.
func TestChromiumLossyPath(t *testing.T) {
	if !browsertest.InPrivateNetwork(t) {
		return
	}
	server := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(config.Default().UDP))
	relay := newLossyRelay(t, server)
	// The offer names the relay instead of the server: the browser knows
	// no other way to the server's port.
	testCandidates = relay.candidates
	t.Cleanup(func() { testCandidates = nil })

	out := t.TempDir()
	logs := runServer(t, func(c *config.Config) { c.Out = out })
	b := browsertest.StartChromium(t, "http://127.0.0.1:8080/?autostart=1")
	logs.Wait(t, 30*time.Second, "the page to open the WebSocket", browsertest.Is("ws", "session opened"))
	sel := logs.Wait(t, 30*time.Second, "the browser to select a pair", browsertest.Is("ice", "browser nominated the pair: selected"))
	if remote := attr(sel, "remote"); !relay.isBack(remote) {
		t.Fatalf("the selected pair is %s, not one of the relay's sockets: the browser bypassed the relay", remote)
	}
	logs.Wait(t, 30*time.Second, "the first keyframe", browsertest.Is("vp8", "keyframe with a new picture size"))
	logs.Wait(t, 120*time.Second, fmt.Sprintf("%d RTP packets through the lossy path", lossyPackets), decrypted(lossyPackets))
	b.Stop()
	logs.Wait(t, 20*time.Second, "the session to close", browsertest.Is("ws", "session closed"))
	saved := savedFiles(t, logs, 10*time.Second)
	relay.close()

	log := logs.String()
	onlyReplays(t, log)
	r := relay.report(t)
	var written, keyframes, inIVF int
	for _, s := range saved {
		frames := ivfFrames(t, attr(s, "file"))
		written += len(frames)
		for _, f := range frames {
			if f.key {
				keyframes++
			}
		}
		inIVF += relay.checkFrames(t, attr(s, "file"), frames)
	}
	rx := receiverStats(t, log)
	plis, firs, delays := keyframeRequests(log)
	t.Logf("server: receiver %s", lastAttr(log, "rtp", "video in the last second", "receiver"))
	t.Logf("server: %d PLIs sent (%s), %d FIRs; keyframes after a request came in %s", total(plis), counts(plis), firs, strings.Join(delays, " "))
	t.Logf("server: %d frames written in %d file(s), %d of them keyframes", written, len(saved), keyframes)
	t.Logf("frames recovered by NACK: %d of the %d frames the relay hit (%d of those written to the IVF), %d lost for good",
		r.framesRepaired, r.framesHit, inIVF, r.framesBroken)

	if r.mediaDropped < minMediaDrops {
		t.Fatalf("the relay dropped only %d RTP packets: too few to test anything", r.mediaDropped)
	}
	if 2*r.mediaRepaired < r.mediaDropped {
		t.Errorf("retransmissions repaired only %d of the %d RTP packets the relay dropped", r.mediaRepaired, r.mediaDropped)
	}
	if rx["nacked"] == 0 || rx["recovered"] == 0 || 2*rx["lost"] > r.mediaDropped {
		t.Errorf("the server's receiver: %v, with %d RTP packets dropped on the way: NACKs did not recover most of them", rx, r.mediaDropped)
	}
	if written == 0 {
		t.Fatal("no frames written")
	}
	for _, s := range saved {
		checkIVF(t, s) // the first frame a keyframe, ffmpeg decodes every frame
	}
	// Keyframes kept being saved through the loss, and every JPEG is the
	// clip's picture (luma PSNR ≥ 30 dB against a source frame).
	jpegs, _ := filepath.Glob(filepath.Join(out, "shoot*.jpg"))
	t.Logf("server: %d JPEG files through the lossy path", len(jpegs))
	if len(jpegs) < 2 {
		t.Errorf("%d JPEG files saved through the lossy path, want at least 2", len(jpegs))
	}
	for n := 1; n <= len(jpegs); n++ {
		checkJPEG(t, out, n, true)
	}
}

// lossyRelay is a bad network path on loopback. The browser sends to its
// front socket, the one candidate of the offer. For each address the
// browser sends from, the relay opens a socket of its own toward the server,
// as a NAT opens a mapping, and sends everything from that address through
// it: the server's ICE agent accepts media only from the address that
// passed the connectivity check (one valid pair), so it must stay the same.
// Both ways, it drops lossRate of the datagrams and holds reorderRate back
// by up to maxHold.
//
// It also watches the RTP headers going to the server (they are not
// encrypted, RFC 3711 §3.1) to know each frame's packets, which of them
// it dropped and whether a retransmission brought them after all.
type lossyRelay struct {
	t      *testing.T
	front  *net.UDPConn   // where the browser sends
	server netip.AddrPort // the server's UDP port
	wg     sync.WaitGroup

	mu      sync.Mutex
	rng     *rand.Rand
	back    map[netip.AddrPort]*net.UDPConn // browser address → socket toward the server
	counts  map[string]*flow                // by direction and kind of datagram
	packets map[uint64]*sentPacket          // ssrc<<16 | seq
	frames  []*sentFrame                    // in the order the browser sent them
	byTS    map[uint64]*sentFrame           // ssrc<<32 | timestamp
	closed  bool
}

// flow counts the datagrams of one direction and kind.
type flow struct{ seen, dropped, held, duplicated int }

// sentPacket is one RTP sequence number the browser sent, once or more.
type sentPacket struct {
	bytes        int           // RTP payload, SRTP tag included: the size after the header
	sends        int           // times the browser sent it: more than once when asked by NACK
	forwarded    int           // of those, times the relay passed it on
	droppedFirst bool          // the relay dropped its first transmission
	first        time.Time     // when the browser first sent it
	repairedIn   time.Duration // from then to the first retransmission passed on, if dropped first
}

// sentFrame is the packets of one RTP timestamp (a VP8 frame).
type sentFrame struct {
	ssrc, ts uint32
	index    int // in frames
	seqs     []uint16
	bytes    int // all its packets' payload, SRTP tags included
}

func newLossyRelay(t *testing.T, server netip.AddrPort) *lossyRelay {
	t.Helper()
	front, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("lossy relay on %v → server %v: drops %.0f%%, holds %.0f%% back by up to %v, both ways (seed %d)",
		front.LocalAddr(), server, 100*lossRate, 100*reorderRate, maxHold, seed)
	r := &lossyRelay{t: t, front: front, server: server, rng: rand.New(rand.NewPCG(seed, 0)),
		back: map[netip.AddrPort]*net.UDPConn{}, counts: map[string]*flow{},
		packets: map[uint64]*sentPacket{}, byTS: map[uint64]*sentFrame{}}
	r.wg.Add(1)
	go r.fromBrowser()
	t.Cleanup(r.close)
	return r
}

// candidates is the hook of media.go: the server's loopback candidate,
// moved to the relay's port, and nothing else.
func (r *lossyRelay) candidates(cs []sdp.Candidate) []sdp.Candidate {
	for _, c := range cs {
		if c.Address == "127.0.0.1" {
			c.Port = r.front.LocalAddr().(*net.UDPAddr).Port
			return []sdp.Candidate{c}
		}
	}
	r.t.Fatalf("no 127.0.0.1 candidate among %v", cs)
	return nil
}

// isBack reports whether addr is one of the relay's sockets toward the server.
func (r *lossyRelay) isBack(addr string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.back {
		if c.LocalAddr().String() == addr {
			return true
		}
	}
	return false
}

// fromBrowser relays the browser's datagrams to the server.
func (r *lossyRelay) fromBrowser() {
	defer r.wg.Done()
	buf := make([]byte, maxUDPPayload)
	for {
		n, from, err := r.front.ReadFromUDPAddrPort(buf)
		if err != nil {
			return // closed
		}
		b := bytes.Clone(buf[:n])
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		conn := r.back[from]
		if conn == nil {
			conn, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err != nil {
				r.mu.Unlock()
				r.t.Errorf("relay: %v", err)
				return
			}
			r.back[from] = conn
			r.wg.Add(1)
			go r.fromServer(conn, from)
		}
		drop, hold := r.fate("browser→server", b)
		r.watch(b, drop)
		r.mu.Unlock()
		r.pass(drop, hold, func() { conn.WriteToUDPAddrPort(b, r.server) })
	}
}

// fromServer relays the server's datagrams on conn back to the browser.
func (r *lossyRelay) fromServer(conn *net.UDPConn, browser netip.AddrPort) {
	defer r.wg.Done()
	buf := make([]byte, maxUDPPayload)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return // closed
		}
		b := bytes.Clone(buf[:n])
		r.mu.Lock()
		drop, hold := r.fate("server→browser", b)
		r.mu.Unlock()
		r.pass(drop, hold, func() { r.front.WriteToUDPAddrPort(b, browser) })
	}
}

// fate decides what becomes of one datagram, and counts it. r.mu is held.
func (r *lossyRelay) fate(dir string, b []byte) (drop bool, hold time.Duration) {
	key := dir + " " + traceKind(b)
	f := r.counts[key]
	if f == nil {
		f = &flow{}
		r.counts[key] = f
	}
	f.seen++
	switch {
	case r.rng.Float64() < lossRate:
		f.dropped++
		return true, 0
	case r.rng.Float64() < reorderRate:
		f.held++
		return false, time.Duration(1 + r.rng.Int64N(int64(maxHold)))
	case r.rng.Float64() < dupRate:
		// A duplicate: the same datagram twice, as a path with a
		// retransmitting link layer or a route flap delivers it. Marked
		// by a negative hold.
		f.duplicated++
		return false, -1
	}
	return false, 0
}

// pass sends a datagram now, later or never. Writes after close fail
// harmlessly: the sockets are closed.
func (r *lossyRelay) pass(drop bool, hold time.Duration, send func()) {
	switch {
	case drop:
	case hold > 0:
		time.AfterFunc(hold, send)
	case hold < 0:
		send()
		send()
	default:
		send()
	}
}

// watch notes an RTP packet on its way to the server: which frame it
// belongs to, and whether it was dropped. r.mu is held.
//
//	 0                   1                   2                   3
//	|V=2|P|X|  CC   |M|     PT      |       sequence number         |
//	|                           timestamp                           |
//	|           synchronization source (SSRC) identifier            |
//	|            contributing source (CSRC) identifiers             |
//	|    defined by profile         |           length              |  (X=1)
//
// Packets with padding are left out: they are the browser's bandwidth
// probes, no part of a frame, and their padding is encrypted.
func (r *lossyRelay) watch(b []byte, drop bool) {
	if traceKind(b) != "RTP" || len(b) < 12 || b[0]&0x20 != 0 {
		return
	}
	header := 12 + 4*int(b[0]&0x0f)
	if b[0]&0x10 != 0 && len(b) >= header+4 {
		header += 4 + 4*int(binary.BigEndian.Uint16(b[header+2:]))
	}
	if header > len(b) {
		return
	}
	seq := binary.BigEndian.Uint16(b[2:4])
	ts := binary.BigEndian.Uint32(b[4:8])
	ssrc := binary.BigEndian.Uint32(b[8:12])
	p := r.packets[uint64(ssrc)<<16|uint64(seq)]
	if p == nil {
		p = &sentPacket{bytes: len(b) - header, droppedFirst: drop, first: time.Now()}
		r.packets[uint64(ssrc)<<16|uint64(seq)] = p
		f := r.byTS[uint64(ssrc)<<32|uint64(ts)]
		if f == nil {
			f = &sentFrame{ssrc: ssrc, ts: ts, index: len(r.frames)}
			r.frames = append(r.frames, f)
			r.byTS[uint64(ssrc)<<32|uint64(ts)] = f
		}
		f.seqs = append(f.seqs, seq)
		f.bytes += p.bytes
	}
	p.sends++
	if !drop {
		if p.forwarded == 0 && p.droppedFirst {
			p.repairedIn = time.Since(p.first)
		}
		p.forwarded++
	}
}

// close stops relaying and waits for the relay's goroutines.
func (r *lossyRelay) close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.front.Close()
	for _, c := range r.back {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// complete reports whether every packet of f was passed on at least once,
// and if not, the first one that never was.
func (r *lossyRelay) complete(f *sentFrame) (bool, uint16) {
	for _, seq := range f.seqs {
		if r.packets[uint64(f.ssrc)<<16|uint64(seq)].forwarded == 0 {
			return false, seq
		}
	}
	return true, 0
}

// relayReport is what the relay did.
type relayReport struct {
	mediaDropped   int // RTP packets whose first transmission the relay dropped
	mediaRepaired  int // of those, packets that a retransmission brought after all
	framesHit      int // frames with a dropped packet
	framesRepaired int // of those, frames whose every packet got through in the end
	framesBroken   int // frames with a packet that never got through
}

// report logs the relay's counts and sums up the damage.
func (r *lossyRelay) report(t *testing.T) relayReport {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := make([]string, 0, len(r.counts))
	for k := range r.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := r.counts[k]
		t.Logf("relay %-20s %5d datagrams, %4d dropped, %4d held back, %3d duplicated", k, f.seen, f.dropped, f.held, f.duplicated)
	}
	var rr relayReport
	retransmissions := 0
	var delays []time.Duration
	for _, p := range r.packets {
		retransmissions += p.sends - 1
		if p.droppedFirst {
			rr.mediaDropped++
			if p.forwarded > 0 {
				rr.mediaRepaired++
				delays = append(delays, p.repairedIn)
			}
		}
	}
	for _, f := range r.frames {
		hit := false
		for _, seq := range f.seqs {
			hit = hit || r.packets[uint64(f.ssrc)<<16|uint64(seq)].droppedFirst
		}
		if hit {
			rr.framesHit++
		}
		switch ok, _ := r.complete(f); {
		case !ok:
			rr.framesBroken++
		case hit:
			rr.framesRepaired++
		}
	}
	t.Logf("relay: %d frames, %d RTP packets sent by the browser; %d of them dropped on their first way, %d of those retransmitted and passed on (%d retransmissions in all)",
		len(r.frames), len(r.packets), rr.mediaDropped, rr.mediaRepaired, retransmissions)
	if len(delays) > 0 {
		slices.Sort(delays)
		q := func(f float64) time.Duration { return delays[int(f*float64(len(delays)-1))].Round(time.Millisecond) }
		t.Logf("relay: a dropped packet's retransmission passed on after %v (fastest), %v (median), %v (90%%), %v (slowest)", q(0), q(0.5), q(0.9), q(1))
	}
	return rr
}

// ivfFrame is one frame of an IVF file.
type ivfFrame struct {
	pts  uint64 // RTP units since the file's first frame
	size int
	key  bool // RFC 6386 §9.1: bit 0 of the frame tag is 0
}

// ivfFrames reads every frame of an IVF file, with its timestamp.
func ivfFrames(t *testing.T, name string) []ivfFrame {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, _, err := ivf.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var frames []ivfFrame
	for {
		fr, err := r.Next()
		if errors.Is(err, io.EOF) {
			return frames
		}
		if err != nil {
			t.Fatalf("%s: frame %d: %v", name, len(frames), err)
		}
		frames = append(frames, ivfFrame{pts: fr.Timestamp, size: len(fr.Data), key: len(fr.Data) > 0 && fr.Data[0]&1 == 0})
	}
}

// checkFrames finds each frame of an IVF file among the frames the browser
// sent, and checks that the server wrote only complete frames, as the
// browser sent them, and no inter frame whose predecessor it did not
// write. It returns how many of the file's frames a retransmission had
// repaired.
//
// A frame's bytes are its packets' payloads less, in each packet, the VP8
// payload descriptor and the SRTP tag: the same few bytes in every packet
// of the stream. The IVF timestamps count from the file's first frame, so
// the file's place in the stream is found by trying each frame the browser
// sent as the first, and keeping the one that puts the most frames of the
// file on frames of the browser's with the same number of bytes per packet
// to spare.
func (r *lossyRelay) checkFrames(t *testing.T, name string, frames []ivfFrame) (repaired int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(frames) == 0 {
		return 0
	}
	// place puts the file's frames after first: the browser's frames they
	// fall on, nil where none does, and the bytes each packet has to spare.
	place := func(first *sentFrame) (at []*sentFrame, spare []int) {
		at, spare = make([]*sentFrame, len(frames)), make([]int, len(frames))
		for i, f := range frames {
			if s := r.byTS[uint64(first.ssrc)<<32|uint64(first.ts+uint32(f.pts))]; s != nil {
				at[i] = s
				if extra := s.bytes - f.size; extra > 0 && extra%len(s.seqs) == 0 {
					spare[i] = extra / len(s.seqs)
				}
			}
		}
		return at, spare
	}
	// mode is the most common positive value of spare, and how often it occurs.
	mode := func(spare []int) (v, n int) {
		count := map[int]int{}
		for _, x := range spare {
			if x > 0 {
				if count[x]++; count[x] > n || count[x] == n && x < v {
					v, n = x, count[x]
				}
			}
		}
		return v, n
	}
	var best *sentFrame
	bestN, ties := 0, 0
	for _, first := range r.frames {
		_, sp := place(first)
		_, n := mode(sp)
		switch {
		case n > bestN:
			best, bestN, ties = first, n, 0
		case n == bestN && n > 0:
			ties++
		}
	}
	if ties > 0 && len(frames) <= 2 {
		t.Logf("%s: %d frame(s), too few to find their place in the stream", name, len(frames))
		return 0
	}
	if best == nil || ties > 0 {
		t.Errorf("%s: cannot place its %d frames among the %d frames the browser sent (%d ways)", name, len(frames), len(r.frames), ties+1)
		return 0
	}
	at, spare := place(best)
	perPacket, _ := mode(spare)
	for i, s := range at {
		switch {
		case s == nil:
			t.Errorf("%s: frame %d (%d bytes) has an RTP timestamp the browser never sent", name, i, frames[i].size)
			continue
		case spare[i] != perPacket:
			t.Errorf("%s: frame %d (RTP timestamp %d) has %d bytes, but the browser's %d packets carried %d: not the frame the browser sent",
				name, i, s.ts, frames[i].size, len(s.seqs), s.bytes-perPacket*len(s.seqs))
		}
		if ok, seq := r.complete(s); !ok {
			t.Errorf("%s: frame %d (RTP timestamp %d) was written, but its packet %d never reached the server", name, i, s.ts, seq)
		}
		if i > 0 && !frames[i].key && s.index > 0 && at[i-1] != nil && r.frames[s.index-1] != at[i-1] {
			t.Errorf("%s: inter frame %d (RTP timestamp %d) was written after the frame of timestamp %d, but the browser sent the frame of timestamp %d between them: the decoder lacks its reference",
				name, i, s.ts, at[i-1].ts, r.frames[s.index-1].ts)
		}
		for _, seq := range s.seqs {
			if r.packets[uint64(s.ssrc)<<16|uint64(seq)].droppedFirst {
				repaired++
				break
			}
		}
	}
	return repaired
}

// savedFiles waits until the server has closed every IVF file it opened,
// and returns their "video saved" lines.
func savedFiles(t *testing.T, logs *browsertest.Log, timeout time.Duration) []logging.Line {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var opened int
		var saved []logging.Line
		for _, s := range strings.Split(logs.String(), "\n") {
			l, err := logging.ParseLine(s)
			switch {
			case err != nil || logging.IsBlock(s) || l.Layer != "ivf":
			case l.Message == "writing the session's video":
				opened++
			case l.Message == "video saved: play it with ffplay or vpxdec":
				saved = append(saved, l)
			}
		}
		if opened > 0 && len(saved) == opened {
			return saved
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for the IVF files: %d opened, %d saved; server log:\n%s", timeout, opened, len(saved), logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// onlyReplays checks that the only SRTP packets refused were duplicates:
// a packet held back by the relay may be asked for by NACK and then arrive
// twice, and the second copy is a replay to SRTP (RFC 3711 §3.3.2).
func onlyReplays(t *testing.T, log string) {
	t.Helper()
	for _, s := range strings.Split(log, "\n") {
		l, err := logging.ParseLine(s)
		if err != nil {
			continue
		}
		if reason := attr(l, "reason"); strings.HasPrefix(reason, "srtp: ") && reason != "srtp: replayed packet" {
			t.Errorf("SRTP refused a packet: %s", s)
		}
		if l.Layer == "srtp" && l.Message == "session totals" {
			counts := attr(l, "counts")
			// "…, dropped rtp replayed=46, dropped rtcp replayed=1": the
			// relay's duplicates, refused by the replay windows, and
			// nothing else.
			if _, dropped, ok := strings.Cut(counts, ", dropped "); ok {
				for _, d := range strings.Split(dropped, ", dropped ") {
					kind, n, _ := strings.Cut(d, " replayed=")
					if _, err := strconv.Atoi(n); (kind != "rtp" && kind != "rtcp") || err != nil {
						t.Errorf("SRTP refused packets other than replays: %s", counts)
						break
					}
				}
			}
		}
	}
}

// receiverStats reads the counters of the last "video in the last second"
// line: received, lost, nacked, recovered...
func receiverStats(t *testing.T, log string) map[string]int {
	t.Helper()
	v := lastAttr(log, "rtp", "video in the last second", "receiver")
	if v == "" {
		t.Fatal("no receiver statistics in the log")
	}
	m := map[string]int{}
	for _, part := range strings.Split(v, ", ") {
		i := strings.LastIndexByte(part, ' ')
		if n, err := strconv.Atoi(part[i+1:]); i > 0 && err == nil {
			m[part[:i]] = n
		}
	}
	return m
}

// keyframeRequests counts the PLIs by reason and the FIRs in the log, and
// lists how long after a request each keyframe came.
func keyframeRequests(log string) (plis map[string]int, firs int, delays []string) {
	plis = map[string]int{}
	for _, s := range strings.Split(log, "\n") {
		l, err := logging.ParseLine(s)
		switch {
		case err != nil:
		case l.Layer == "rtcp" && l.Message == "keyframe request: PLI (RFC 4585 §6.3.1)":
			plis[attr(l, "reason")]++
		case l.Layer == "rtcp" && strings.HasPrefix(l.Message, "keyframe request: FIR"):
			firs++
		case l.Layer == "vp8" && attr(l, "after_request") != "":
			delays = append(delays, attr(l, "after_request"))
		}
	}
	return plis, firs, delays
}

// attr is the value of a line's attribute, or "".
func attr(l logging.Line, key string) string {
	for _, a := range l.Attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// lastAttr is an attribute of the last line of a layer with a message.
func lastAttr(log, layer, message, key string) string {
	v := ""
	for _, s := range strings.Split(log, "\n") {
		if l, err := logging.ParseLine(s); err == nil && l.Layer == layer && l.Message == message {
			v = attr(l, key)
		}
	}
	return v
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// counts formats a count by reason, largest first.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return m[b] - m[a] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}
