class PostgresSearchBackend:
    def index_products(self, ids): pass
