package graph

import (
	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
)

// errorMapping turns every non-2xx answer into an *odataerrors.ODataError,
// as the SDK's typed builders do.
var errorMapping = abstractions.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// preferImmutableIDs asks Graph for immutable item ids, which survive a
// move between folders: a draft's id is still its id once sent and filed
// in Sent Items (https://learn.microsoft.com/graph/outlook-immutable-id).
func preferImmutableIDs() *abstractions.RequestHeaders {
	h := abstractions.NewRequestHeaders()
	h.Add("Prefer", `IdType="ImmutableId"`)
	return h
}

// mimeRequest is a POST of a MIME message to a path under the signed-in
// user (messages to create a draft, sendMail to send at once) in the form
// Graph takes MIME: base64 with Content-Type text/plain
// (https://learn.microsoft.com/graph/outlook-send-mime-message). The typed
// builders only take JSON bodies, so the request is built by hand on the
// same adapter and pipeline.
func (c *client) mimeRequest(path string, raw []byte) *abstractions.RequestInformation {
	ri := abstractions.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abstractions.POST,
		"{+baseurl}/users/{user%2Did}/"+path, map[string]string{"baseurl": c.base, "user%2Did": meToken})
	ri.Headers.AddAll(preferImmutableIDs())
	ri.Headers.TryAdd("Accept", "application/json")
	ri.SetStreamContentAndContentType(base64Std(raw), "text/plain")
	return ri
}
