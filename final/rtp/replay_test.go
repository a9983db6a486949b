package rtp

// Replaying a real stream. Chromium's video in the chromium-default
// capture (arrival times, sequence numbers, timestamps, from the .txt
// report) and the capture's RTCP (decrypted, from ../rtcp/testdata, in
// datagram order like the report's SRTCP lines) go through a Receiver on
// the capture's clock: the browser's SRs into HandleSR, and at each of
// pion's receiver reports about the video, ours is compared with pion's.
// pion received the same stream on the same machine, so the counts and
// LSR must be equal, DLSR equal to the millisecond, and the jitter close
// (pion timed the packets when it read them, we when tcpdump saw them).

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"nutsandbolts/final/rtcp"
)

var (
	// videoLine is a B>S SRTP line of VP8 (pt 96): number, time, SSRC,
	// seq, M, ts.
	videoLine = regexp.MustCompile(`(?m)^\s+(\d+)\s+([\d.]+)\s+B>S\s+\d+\s+SRTP ssrc=(\d+) \(0x[0-9a-f]+\) seq=(\d+) pt=96 M=([01]) ts=(\d+)`)
	// rtcpLine is an SRTCP line: number, time.
	rtcpLine = regexp.MustCompile(`(?m)^\s+(\d+)\s+([\d.]+)\s+[BS]>[BS]\s+\d+\s+SRTCP `)
)

func TestReplayCapture(t *testing.T) {
	skipWithoutCaptures(t)
	txt, err := os.ReadFile(captureDir + "chromium-default.txt")
	if err != nil {
		t.Fatal(err)
	}
	type event struct {
		num  int           // datagram number
		at   time.Duration // since the first datagram
		pkt  *Packet       // RTP, or
		rtcp []rtcp.Packet // RTCP
	}
	atoi := func(s string) uint64 { n, _ := strconv.ParseUint(s, 10, 64); return n }
	at := func(s string) time.Duration {
		f, _ := strconv.ParseFloat(s, 64)
		return time.Duration(f*1e6+0.5) * time.Microsecond
	}
	var events []event
	var ssrc uint32
	for _, m := range videoLine.FindAllStringSubmatch(string(txt), -1) {
		ssrc = uint32(atoi(m[3]))
		events = append(events, event{num: int(atoi(m[1])), at: at(m[2]), pkt: &Packet{Header: Header{
			SSRC: ssrc, PayloadType: 96, SequenceNumber: uint16(atoi(m[4])), Marker: m[5] == "1", Timestamp: uint32(atoi(m[6]))}}})
	}
	lines := rtcpLine.FindAllStringSubmatch(string(txt), -1)
	recs := records(t, "../rtcp/testdata/chromium-default.rtcp")
	if len(lines) != len(recs) || len(events) != 226 {
		t.Fatalf("%d SRTCP lines, %d records, %d video packets", len(lines), len(recs), len(events))
	}
	for i, m := range lines {
		pkts, err := rtcp.Unmarshal(recs[i])
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, event{num: int(atoi(m[1])), at: at(m[2]), rtcp: pkts})
	}
	slices.SortFunc(events, func(a, b event) int { return a.num - b.num })

	r := NewReceiver(ReceiverConfig{SSRC: ssrc})
	start := time.Date(2026, 11, 21, 21, 39, 13, 58_000_000, time.UTC)
	delivered, compared := 0, 0
	for _, e := range events {
		now := start.Add(e.at)
		if e.pkt != nil {
			if err := r.PushPacket(now, e.pkt); err != nil {
				t.Fatalf("datagram %d: %v", e.num, err)
			}
		}
		for _, p := range e.rtcp {
			switch p := p.(type) {
			case *rtcp.SenderReport:
				r.HandleSR(now, p)
			case *rtcp.ReceiverReport:
				if len(p.Reports) != 1 || p.Reports[0].SSRC != ssrc {
					continue // about the RTX stream
				}
				pion, ours := p.Reports[0], r.Report(now)
				t.Logf("datagram %d:\npion's %v\n  ours %v", e.num, pion, ours)
				jitterOK := ours.Jitter+10 >= pion.Jitter && ours.Jitter <= pion.Jitter+10
				dlsrOK := ours.DLSR+66 >= pion.DLSR && ours.DLSR <= pion.DLSR+66 // 1 ms
				if ours.CumulativeLost != pion.CumulativeLost || ours.FractionLost != pion.FractionLost ||
					ours.ExtendedHighestSeq != pion.ExtendedHighestSeq || ours.LSR != pion.LSR || !dlsrOK || !jitterOK {
					t.Errorf("datagram %d: our report differs from pion's", e.num)
				}
				compared++
			}
		}
		r.HandleTimeout(now)
		for p, lost := r.Poll(); p != nil; p, lost = r.Poll() {
			if lost != 0 {
				t.Errorf("loss of %d before %d", lost, p.SequenceNumber)
			}
			delivered++
		}
	}
	if compared != 2 || delivered != 226 {
		t.Errorf("%d reports compared, %d packets delivered", compared, delivered)
	}
	if sr, _, ok := r.LastSR(); !ok || sr.PacketCount != 221 || sr.OctetCount != 243643 {
		t.Errorf("last SR %v", &sr)
	}
	t.Log(r.Stats())
}
