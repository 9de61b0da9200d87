package questions

// The statements that carry the recount and the top-20 read, for the tests
// that read SQLite's plan for them.
const (
	CountQuery   = countQuery
	RefreshQuery = refreshQuery
	CheckQuery   = checkQuery
	TopQuery     = topQuery
)
