class SQLiteSearchBackend:
    def index_products(self, ids): pass
