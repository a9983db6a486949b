package rtp_test

import (
	"fmt"
	"time"

	"nutsandbolts/final/rtcp"
	"nutsandbolts/final/rtp"
)

// A stream loses packet 102; the receiver NACKs it, the browser sends it
// again, and the receiver delivers everything in order. The program's
// loop, on a fake clock.
func ExampleReceiver() {
	const browser, us = 0x5bd77af8, 0x00000001
	recv := rtp.NewReceiver(rtp.ReceiverConfig{SSRC: browser, StartDelay: -1})
	t0 := time.Date(2026, 11, 21, 21, 39, 13, 0, time.UTC)

	drain := func(now time.Time) {
		for p, lost := recv.Poll(); p != nil; p, lost = recv.Poll() {
			fmt.Printf("%3d ms: deliver %d (lost before it: %d)\n", now.Sub(t0).Milliseconds(), p.SequenceNumber, lost)
		}
		if seqs := recv.AppendNACKs(nil, now); len(seqs) > 0 {
			nack, _ := rtcp.NewNACK(us, browser, seqs).Marshal()
			fmt.Printf("%3d ms: send NACK %v: % x\n", now.Sub(t0).Milliseconds(), seqs, nack)
		}
	}
	arrive := func(ms int, seq uint16) {
		now := t0.Add(time.Duration(ms) * time.Millisecond)
		p := &rtp.Packet{Header: rtp.Header{SSRC: browser, PayloadType: 96, SequenceNumber: seq, Timestamp: 3000}, Payload: []byte{0x90}}
		if err := recv.PushPacket(now, p); err != nil {
			fmt.Println(err)
		}
		drain(now)
	}

	arrive(0, 100)
	arrive(1, 101)
	arrive(2, 103) // 102 is missing
	arrive(3, 104)
	deadline := recv.NextDeadline() // the first NACK is due 10 ms after the gap
	recv.HandleTimeout(deadline)
	drain(deadline)
	arrive(15, 102) // retransmitted

	fmt.Println(recv.Stats())
	// The jitter is not 0: the packets share one timestamp (one frame)
	// but arrived 1 ms apart, 90 units at 90 kHz.
	fmt.Println(recv.Report(t0.Add(time.Second)))
	// Output:
	//   0 ms: deliver 100 (lost before it: 0)
	//   1 ms: deliver 101 (lost before it: 0)
	//  12 ms: send NACK [102]: 81 cd 00 03 00 00 00 01 5b d7 7a f8 00 66 00 00
	//  15 ms: deliver 102 (lost before it: 0)
	//  15 ms: deliver 103 (lost before it: 0)
	//  15 ms: deliver 104 (lost before it: 0)
	// received 5, delivered 5, lost 0, nacked 1, recovered 1
	// ssrc=0x5bd77af8 lost=0/256 cumulative=0 highest=104 jitter=15 lsr=0x00000000 dlsr=0.000s
}
