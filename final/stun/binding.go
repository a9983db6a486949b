package stun

import "net/netip"

// This file builds the messages of the Binding method: the request a client
// sends (RFC 8489 §6.1) and the responses a server returns (§6.3.1.1).
//
// A server that answers ICE connectivity checks follows §6.3 and §9.1.3 in
// this order, with the request req received from src:
//
//	req.CheckFingerprint()                   // else drop: probably not STUN
//	req.Username(), req.Has(AttrMessageIntegrity)
//	                                         // else NewErrorResponse(req, 400, "")
//	username starts with "local-ufrag:"      // else NewErrorResponse(req, 401, "")
//	req.CheckIntegrity(ShortTermKey(pwd))    // else NewErrorResponse(req, 401, "")
//	req.UnknownComprehensionRequired()       // if any: NewUnknownAttributesResponse
//	res := NewBindingSuccess(req, src)
//	res.AddMessageIntegrity(ShortTermKey(pwd))
//	res.AddFingerprint()
//
// The 400 and 401 answers carry no MESSAGE-INTEGRITY (§9.1.3: the server
// "cannot determine the shared secret"); the 420 answer and the success
// answer are authenticated with the same password as the request.

// NewBindingRequest returns a Binding request with a fresh transaction ID
// and no attributes: what a client sends to a STUN server to learn its
// server-reflexive address (§6.1: "For the Binding method with no
// authentication, no attributes are required").
func NewBindingRequest() *Message {
	return NewMessage(BindingRequest)
}

// NewBindingSuccess returns the success response to the Binding request
// req, carrying XOR-MAPPED-ADDRESS = mapped, the source address and port the
// request came from (§6.3.1.1). The response reuses the request's method
// and transaction ID. The caller adds MESSAGE-INTEGRITY and FINGERPRINT
// (ICE requires both, RFC 8445 §7.3), and may add SOFTWARE before them
// (§6.3.1.1 says SHOULD; pion and the browsers do not).
func NewBindingSuccess(req *Message, mapped netip.AddrPort) *Message {
	res := &Message{
		Type:          MessageType{Method: req.Type.Method, Class: ClassSuccessResponse},
		TransactionID: req.TransactionID,
	}
	res.AddXORMappedAddress(mapped)
	return res
}

// NewErrorResponse returns an error response to req with ERROR-CODE code
// (§6.3.1.1). An empty reason stands for the recommended phrase. It fails
// only for a code outside 300–699 or an overlong reason.
func NewErrorResponse(req *Message, code int, reason string) (*Message, error) {
	res := &Message{
		Type:          MessageType{Method: req.Type.Method, Class: ClassErrorResponse},
		TransactionID: req.TransactionID,
	}
	if err := res.AddErrorCode(code, reason); err != nil {
		return nil, err
	}
	return res, nil
}

// NewUnknownAttributesResponse returns the 420 (Unknown Attribute) error
// response to req, listing unknown in UNKNOWN-ATTRIBUTES, as §6.3.1
// requires. unknown is normally req.UnknownComprehensionRequired().
func NewUnknownAttributesResponse(req *Message, unknown []AttrType) *Message {
	res, _ := NewErrorResponse(req, CodeUnknownAttribute, "") // a valid code: cannot fail
	res.AddUnknownAttributes(unknown)
	return res
}
