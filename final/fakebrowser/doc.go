// Package fakebrowser plays one browser against the server, built from the
// project's own protocol packages: what the page (ui/static) and its
// RTCPeerConnection do, minus the camera, which a VP8 clip replaces. It
// drives load tests (cmd/loadgen) and the server's own tests.
//
// One session, Run, goes through the phases a browser goes through:
//
//	websocket  dial /ws from Config.LocalAddr (gorilla/websocket)
//	offer      the server's offer arrives (package signaling's message, SDP by package sdp)
//	answer     ours goes back: a fresh certificate's fingerprint, a=setup:active,
//	           a=sendonly, VP8 on the offer's payload type (answer.go)
//	ice        a connectivity check to the server's host candidate, then the
//	           nomination with USE-CANDIDATE (RFC 8445 §7.2.4, §8.1.1); consent
//	           checks every 5 s after (RFC 7675) (ice.go)
//	dtls       the handshake as client (package dtls's ClientConn), the server's
//	           certificate checked against the offer's a=fingerprint; SRTP keys
//	           from the exporter (RFC 5764 §4.2)
//	media      the clip as SRTP, packetized per RFC 7741 (packetizer.go), an SR
//	           every second; PLI and FIR answered with a keyframe, NACKs with the
//	           packets again (media.go)
//	shot       the server announces a JPEG of one of our keyframes; it is
//	           downloaded and its luma compared with our own decode (verify.go)
//
// A session can be stopped at any phase (Config.StopAfter, or ctx), politely
// (RTCP BYE, DTLS close_notify, WebSocket close frame) or not
// (Config.Abrupt, like a killed tab); either way Run returns only once every
// socket is closed and every goroutine it started has ended.
//
// Like the server's layers, the protocol parts here own no socket and read no
// clock: Run's loop (peer.go) feeds them datagrams, messages and the time, and
// sends what they queue. Per session there are three goroutines: the loop, the
// WebSocket reader and the UDP reader, plus one per JPEG being checked.
package fakebrowser
