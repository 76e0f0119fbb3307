package graph

import (
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// inputSchema is the executable schema, whose input types
// registration.Service.Form walks: the form lists the fields the server
// accepts because it reads them from the same types.
var inputSchema = sync.OnceValue(func() *ast.Schema { return NewExecutableSchema(Config{}).Schema() })
