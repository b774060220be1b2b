/// The OpenAPI 3.1 description of the API (`GET /api/v1/openapi.json`).
enum OpenAPIDocument {
    static let json = "{}"
}
