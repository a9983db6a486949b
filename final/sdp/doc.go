// Package sdp writes the server's SDP offer and reads the browser's SDP
// answer.
//
// The server of this tutorial receives one VP8 video stream from a browser.
// It is the offerer: it writes the offer itself (RFC 8866 syntax, used the
// way JSEP, RFC 8829, uses it), the page passes it to
// RTCPeerConnection.setRemoteDescription, attaches its camera track, and
// sends back the answer that createAnswer made. The server parses that
// answer and checks that it fits the offer.
//
// Roles, as the offer sets them and the answer must confirm:
//
//   - ICE: the server is an ICE-lite agent (RFC 8445 §2.5, a=ice-lite). It
//     only answers the browser's connectivity checks; the browser, a full
//     agent, is the controlling agent and nominates the pair.
//   - DTLS: the server offers a=setup:actpass and expects a=setup:active in
//     the answer: the browser is the DTLS client, the server the DTLS
//     server (RFC 5763 §5, JSEP §5.3.1).
//   - Media: the offer says a=recvonly, so the answer must say a=sendonly
//     (or sendrecv): the browser sends VP8 (RFC 7741) over SRTP.
//
// The package has three layers, one file per concern. The generic SDP
// syntax, which knows nothing of WebRTC:
//
//	parse.go       RFC 8866 §5, §9: lines, sections, line order, limits
//	syntax.go      RFC 8866 §5.1-§5.14, §9: the fields of v= o= s= t= c= b= m=
//	attribute.go   RFC 8866 §5.13: a=<name>[:<value>] lookups; writing SDP back
//
// the grammars of the attributes WebRTC uses:
//
//	candidate.go   RFC 8839 §5.1: a=candidate
//	fingerprint.go RFC 8122 §5: a=fingerprint
//	ice.go         RFC 8839 §5.4: a=ice-ufrag, a=ice-pwd
//	rtp.go         RFC 8866 §6.6 a=rtpmap, RFC 8285 §8 a=extmap, RFC 5576 §4.1 a=ssrc
//
// and the offer and answer of this server:
//
//	offer.go       JSEP §5.2.1: the offer the server sends
//	answer.go      JSEP §5.8: parsing and verifying the browser's answer
//	answer_rtp.go  the RTP part of the answer: VP8 payload type, SSRCs, extmaps
//	check.go       RFC 3264 §6, JSEP §5.3.1: does the answer fit our offer
//
// Nothing here panics on input: every parser bounds its input (64 KiB,
// 2000 lines, 4096 bytes a line) and returns an *Error whose text starts
// with "sdp: ".
package sdp
