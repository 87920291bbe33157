// Package conformance drives l2stretch-sim with VMware's own vCD SDK, as an outside user would.
package conformance
