package boltstore

// EncodeShare is encodeShare, for the tests.
var EncodeShare = encodeShare
