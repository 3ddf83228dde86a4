def test_the_openapi_document_describes_the_endpoints(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "rollcall API"
    assert {
        "/api/schools/{urn}/marks",
        "/api/schools/{urn}/pupils",
        "/api/pupils/{upn}",
        "/api/pupils/{upn}/marks",
        "/api/pupils/{upn}/figures",
    } <= set(document["paths"])
    push = document["paths"]["/api/schools/{urn}/marks"]["post"]
    body = push["requestBody"]["content"]["application/json"]["schema"]
    mark = body["properties"]["marks"]["items"]
    assert set(mark["required"]) == {"upn", "date", "session", "code"}
    assert "422" in push["responses"] and "403" in push["responses"]
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_the_documentation_page_loads_its_scripts_from_rollcall_itself(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "https://" not in page
    assert "/api/openapi.json" in page
    script = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert client.get("/api/docs/assets/secret_key").status_code == 404


def test_an_unknown_address_under_the_api_answers_json(client, db):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("There is no API endpoint at /api/no-such-thing")
