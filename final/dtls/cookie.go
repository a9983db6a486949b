package dtls

// Stateless cookies for the HelloVerifyRequest, RFC 6347 §4.2.1.
//
//	"Cookie = HMAC(Secret, Client-IP, Client-Parameters)
//
//	 When the second ClientHello is received, the server can verify that
//	 the Cookie is valid and that the client can receive packets at the
//	 given IP address."
//
// The cookie lets the server check the second ClientHello without having
// remembered the first: recomputing it from the second ClientHello gives
// the same value only if the address and the parameters are unchanged. The
// client parameters used are those that stay the same in both
// ClientHellos: version, random, session_id, cipher_suites and
// compression_methods (the extensions are left out; RFC 6347 does not
// require them, and some clients rebuild them).

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"net/netip"
)

// cookieLen is the length of our cookies: HMAC-SHA256 truncated to 160
// bits, like the 20-byte cookies browsers receive from pion.
const cookieLen = 20

// cookie computes the cookie for ch arriving from the address from: the
// source of the datagram that carried it, so that a cookie sent to one
// address is worthless from another.
func (c *Conn) cookie(ch *clientHelloMsg, from netip.AddrPort) []byte {
	mac := hmac.New(sha256.New, c.cfg.CookieSecret)
	addr := from.Addr().As16()
	mac.Write(addr[:])
	mac.Write(binary.BigEndian.AppendUint16(nil, from.Port()))
	b := appendU16(nil, uint16(ch.Version))
	b = append(b, ch.Random[:]...)
	b = appendVec(b, 1, ch.SessionID)
	b = appendU16List(b, ch.CipherSuites)
	b = appendVec(b, 1, ch.CompressionMethods)
	mac.Write(b)
	return mac.Sum(nil)[:cookieLen]
}
