package graph

import (
	"context"

	"onboard/ent/apikey"
	"onboard/internal/apperr"
	"onboard/internal/viewer"
)

// apiKeyNodeScope refuses node(id:) and nodes(ids:) of API keys to a token
// without apikeys:manage, which every other way to them requires: node
// itself asks only customers:read.
func apiKeyNodeScope(ctx context.Context, table string) error {
	if table == apikey.Table && !viewer.FromContext(ctx).Has(viewer.ScopeAPIKeysManage) {
		return apperr.ForbiddenScope(viewer.ScopeAPIKeysManage)
	}
	return nil
}
