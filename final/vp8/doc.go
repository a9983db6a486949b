// Package vp8 carries VP8 video over RTP, the payload format of RFC 7741
// and the start of every VP8 frame (RFC 6386 §9.1), and decodes keyframes
// into pictures (RFC 6386; Decoder, in decoder.go and the files named
// after the RFC's chapters: boolean_decoder.go §7, frame_header.go §9,
// modes.go §11, predict.go §12, tokens.go §13, dequant.go and idct.go §14,
// loopfilter.go §15).
//
// A browser's encoder produces one VP8 frame per captured picture: a few
// hundred bytes for a small interframe, tens of kilobytes for a keyframe.
// RTP packets must stay under the path MTU, so the sender cuts each frame
// into pieces of about 1,200 bytes and puts a small payload descriptor in
// front of each piece (RFC 7741 §4.2) that says where the piece belongs.
// All packets of a frame carry the frame's timestamp, and the last one
// carries the RTP marker bit (RFC 7741 §4.1):
//
//	RTP packet      seq 13174, M=0     seq 13175, M=0     seq 13176, M=1
//	timestamp       376022552          376022552          376022552
//	descriptor      90 80 cb 5e        80 80 cb 5e        80 80 cb 5e
//	                S=1 PID=0          S=0                S=0
//	                PictureID 19294    PictureID 19294    PictureID 19294
//	VP8 data        bytes 0-1139       bytes 1140-2279    bytes 2280-3420
//	                ^ payload header: 90 9a 00 (keyframe, first partition
//	                  1236 bytes) 9d 01 2a (start code) 80 02 e0 01 (640x480)
//
// The receiver does the reverse: it strips the descriptors, concatenates
// the pieces and hands the frame to the decoder, but only when it is
// sure the frame is whole (RFC 7741 §4.5.1), and only when the frames it
// depends on were whole too.
//
// The package is sans-IO: no sockets, goroutines or clock. The program's
// RTP receiver puts packets in order and calls
//
//	a := vp8.NewAssembler()
//	f, err := a.Push(seq, timestamp, marker, payload) // payload: after the RTP header and padding
//	if err != nil { /* count and log the reason once: err is a vp8.Error */ }
//	if f != nil { /* a complete frame: f.Data is valid until the next call */ }
//	if a.NeedKeyframe() { /* ask for one: RTCP PLI */ }
//	a.Lost() // the receiver gave up on missing packets
//
// Files, in reading order:
//
//	descriptor.go      the payload descriptor (RFC 7741 §4.2)
//	payload_header.go  the payload header, the start of a frame (RFC 7741 §4.3, RFC 6386 §9.1)
//	assembler.go       frames put back together (RFC 7741 §4.4, §4.5.1)
//	errors.go          why packets and frames are refused, and the counters
package vp8
